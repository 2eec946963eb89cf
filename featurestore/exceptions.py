"""Errors of the feature-store stage.

    NijtaError
     └── FeatureStoreError
          ├── DeltaJarsMissing      the Delta jars are not in the project's cache
          └── SparkJobFailed        a spark-submit job exited non-zero
"""

from nijta.exceptions import NijtaError

__all__ = ["DeltaJarsMissing", "FeatureStoreError", "SparkJobFailed"]


class FeatureStoreError(NijtaError):
    """Root of the feature-store stage's errors."""


class DeltaJarsMissing(FeatureStoreError):
    """The Delta Lake jars are not cached; the message says how to fetch them."""


class SparkJobFailed(FeatureStoreError):
    """A spark-submit job exited non-zero; the message carries the tail of its log."""
