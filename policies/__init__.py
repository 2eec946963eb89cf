"""policies: what may be kept of each field, and how (the DPDP policy engine grows here)."""

from policies.field_plan import FieldPlan, FieldRule, Transform

__all__ = ["FieldPlan", "FieldRule", "Transform"]
