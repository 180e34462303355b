from . import portal
from . import booking
