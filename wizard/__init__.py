from . import dunning_send_wizard
