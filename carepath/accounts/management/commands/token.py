from django.core.management.base import BaseCommand, CommandError

from carepath.accounts.models import ApiToken, User
from carepath.accounts.tokens import create_token, revoke_token
from carepath.audit import log as audit


class Command(BaseCommand):
    help = "API bearer tokens: `token create --user NAME` prints a new token once."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="CLI token")
        create.add_argument("--expires-days", type=int, default=None)
        listing = sub.add_parser("list", help="List a user's tokens (never their values).")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args, subcommand, **options):
        ctx = audit.Context.system("carepath token " + subcommand)
        if subcommand == "revoke":
            token = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if token is None:
                raise CommandError("No token has that prefix.")
            revoke_token(ctx, token)
            self.stdout.write(f"Revoked {token}.")
            return
        try:
            user = User.objects.get(username=options["user"])
        except User.DoesNotExist:
            raise CommandError(f"No user named {options['user']!r}.") from None
        if subcommand == "list":
            for token in user.api_tokens.order_by("-created_at"):
                state = "revoked" if token.revoked_at else ("usable" if token.is_usable
                                                            else "expired")
                self.stdout.write(f"{token.prefix}…  {token.name}  {state}  "
                                  f"expires {token.expires_at or 'never'}")
            return
        days = options["expires_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-days must be 1 or more.")
        _, raw = create_token(ctx, user, options["name"], days)
        self.stdout.write(raw)
