from . import clinic_member_card_report
from . import clinic_points_liability
