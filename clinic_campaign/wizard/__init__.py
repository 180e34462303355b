from . import clinic_member_report
from . import clinic_emergency_call
