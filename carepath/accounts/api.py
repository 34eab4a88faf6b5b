from uuid import UUID

from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: UUID
    username: str
    name: str
    account_type: str
    role: str
    organisation: str | None


@router.get("/me", response=MeOut)
def me(request):
    user = request.auth
    return {"id": user.uuid, "username": user.username, "name": user.display_name,
            "account_type": user.account_type, "role": user.role,
            "organisation": user.organisation.name if user.organisation else None}
