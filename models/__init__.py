from . import res_company
from . import res_config_settings
from . import dunning_level
from . import dunning_letter
from . import dunning_letter_line
from . import account_move
from . import res_partner
from . import dunning_demo
