from . import demo_language
from . import res_partner_demo
