from . import utm_campaign_demo
