"""What targets tells the apps above it (it imports none of them)."""
from django.dispatch import Signal

# Sent once the transaction commits, when the approved targets a department's year-end report is scored
# against change: a declaration approved (批复) or an 调整申请 approved. Arguments: department_id, year.
approved_targets_changed = Signal()
