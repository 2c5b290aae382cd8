from ninja import Router

from kesu.accounts.auth import staff_token

router = Router(tags=["accountability"], auth=staff_token)
