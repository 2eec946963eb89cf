"""The root of every error nijta raises on purpose.

    NijtaError
     ├── ConfigError                      nijta.configuration: a YAML file is invalid
     ├── connectors.ConnectorError        a source could not be read
     ├── anonymize.AnonymizeError         keys, tokens
     ├── ingest.IngestError               validation, staging, bronze commit
     ├── featurestore.FeatureStoreError   Spark jobs, Delta jars, Feast
     ├── training.TrainingError           dataset assembly, torchrun
     └── serving.ServingError             models, features at request time

Each message says what went wrong and what to do; none carries a raw personal value.
"""

__all__ = ["ConfigError", "NijtaError"]


class NijtaError(Exception):
    """Root of nijta's errors."""


class ConfigError(NijtaError):
    """A configuration file failed to load; the message names the file, the key and why."""
