from . import dunning_send_wizard
from . import dunning_aging_wizard
from . import dunning_log_call
from . import dunning_pack_apply
