from . import test_install
from . import test_campaign
from . import test_automations
from . import test_events
from . import test_surveys
from . import test_followup
from . import test_newsletter
from . import test_ui
