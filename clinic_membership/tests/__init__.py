from . import test_clinic_security
from . import test_ui
