from . import protected
