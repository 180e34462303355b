from . import flow
