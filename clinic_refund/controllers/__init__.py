from . import portal
from . import sign
