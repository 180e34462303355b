from . import clinic_points_redeem
from . import clinic_points_adjust
