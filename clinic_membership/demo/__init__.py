from . import demo_language
from . import res_partner_demo
from . import clinic_membership_benefit_demo
