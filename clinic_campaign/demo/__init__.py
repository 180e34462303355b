from . import utm_campaign_demo
from . import clinic_emergency_demo
