from . import clinic_member_report
