from . import clinic_member_card_report
