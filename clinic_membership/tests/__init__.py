from . import test_clinic_security
from . import test_membership_tier
from . import test_member_enrolment
from . import test_points_ledger
from . import test_tier_evaluation
from . import test_member_card
from . import test_portal
from . import test_ui
