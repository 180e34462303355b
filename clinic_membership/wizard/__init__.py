from . import clinic_points_redeem
from . import clinic_points_adjust
from . import clinic_member_correction
from . import clinic_member_report
from . import clinic_consent_record
