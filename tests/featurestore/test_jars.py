import pyspark

from featurestore.jars import delta_artifact, delta_jars


def test_coordinates_follow_delta_pip_utils():
    artifact = delta_artifact()
    minor = ".".join(pyspark.__version__.split(".")[:2])
    assert artifact.coordinates.startswith(f"io.delta:delta-spark_{minor}_2.13:")


def test_cache_holds_delta_and_nothing_spark_already_ships():
    names = [p.name for p in delta_jars()]
    assert any(n.startswith("delta-spark_") for n in names)
    assert any(n.startswith("delta-storage-") for n in names)
    # these ship with pyspark in newer versions; a second copy breaks Spark at run time
    assert not any(n.startswith(("jackson-databind", "scala-library", "hadoop-client"))
                   for n in names)
