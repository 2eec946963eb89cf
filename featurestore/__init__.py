"""featurestore: the Spark session factory, gold feature jobs and the Feast repo."""
