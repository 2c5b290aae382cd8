from ninja import Router

from kesu.accounts.auth import staff_token

router = Router(tags=["cases"], auth=staff_token)
