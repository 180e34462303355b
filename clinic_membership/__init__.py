from . import models
from . import wizard
from . import report
from . import controllers
from . import tools
from . import demo
