from . import clinic_stored_value_ageing
