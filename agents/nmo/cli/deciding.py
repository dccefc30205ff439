"""Who decides on a draft from the shell, and the decision itself, with the checks the web desk applies.

With no desk users (a one-person setup) `--by NAME` names the reviewer, as it always has. Once
`nmo user add` has created users, a name alone proves nothing: a decision needs the user's API token
and goes through the review desk (role checks, four-eyes, audit log), or an explicit local-admin
override by someone with shell access to the data folder, which the audit log records with its reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError

from nmo.audit import MAX_NOTE_CHARS, AuditLog
from nmo.composition import open_service
from nmo.config import Settings
from nmo.desk import DecisionInput, ReviewDesk
from nmo.errors import UserInputError
from nmo.schemas import DraftRecord, ReviewDecision
from nmo.users import AuthenticationError, User, UserStore, desk_db_path

LOCAL_ADMIN_ACTION = "local_admin"
HOW_TO_GET_A_TOKEN = (
    "Pass your token with --token or the NMO_TOKEN environment variable; an admin prints one with "
    "`nmo user add NAME --role reviewer` or issues a new one with `nmo user token NAME`. "
    "With shell access to the data folder you may instead pass --by NAME --local-admin \"reason\", "
    "which the audit log records."
)


class ShellIdentity(BaseModel):
    """What the person at the shell passed to say who they are."""

    by: str = ""
    token: SecretStr | None = None
    local_admin_reason: str | None = None

    @classmethod
    def from_options(cls, by: str, token: str | None, local_admin: str | None) -> ShellIdentity:
        """The identity from the --by, --token (or NMO_TOKEN) and --local-admin options."""
        return cls(by=by, token=SecretStr(token) if token is not None else None, local_admin_reason=local_admin)


class ShellDecision(BaseModel):
    """A decision as typed at the shell: the action, its note or edited text, and the version seen."""

    action: Literal["approve", "edit", "reject"]
    note: str = ""
    text: str | None = None
    expected_version: int = Field(ge=0, description="The version the reviewer saw (`nmo review show`).")


def desk_has_users() -> bool:
    """Whether decisions from this shell must carry a token (the desk of NMO_HOME has users)."""
    from nmo.config import Settings

    db = desk_db_path(Settings().home)
    return db.is_file() and bool(UserStore(db).list_users())


def decide_from_shell(
    settings: Settings, draft_id: str, decision: ShellDecision, identity: ShellIdentity
) -> DraftRecord:
    """Apply a decision as the person the identity proves; refuse a bare name once the desk has users."""
    _check_shape(identity)
    db = desk_db_path(settings.home)
    users = UserStore(db)
    needs_desk = identity.token is not None or identity.local_admin_reason is not None
    if not needs_desk:
        if users.list_users():
            raise AuthenticationError(
                "This desk has users, so a decision from the CLI needs your API token; --by alone proves nothing.",
                HOW_TO_GET_A_TOKEN,
            )
        if not identity.by.strip():
            raise UserInputError("Nobody is named as the reviewer.", "Pass your name: --by 王审核.")
    # Reads and auth checks come before the graph is needed, so a refused decision answers at once.
    with open_service(settings, graph_on_demand=True) as service:
        if not needs_desk:
            review = ReviewDecision(
                action=decision.action, by=identity.by.strip(), note=decision.note.strip(), text=decision.text
            )
            return service.decide(draft_id, review, expected_version=decision.expected_version)
        desk = ReviewDesk(service, users, AuditLog(db))
        if identity.local_admin_reason is not None:
            user = _local_admin(desk, identity, draft_id, decision.action)
        else:
            user = _token_user(desk, identity)
        return desk.decide(user, draft_id, _desk_input(decision)).draft


def _check_shape(identity: ShellIdentity) -> None:
    """Refuse combinations that cannot say who is acting, before anything is opened."""
    if identity.token is not None and identity.local_admin_reason is not None:
        raise UserInputError("Pass either a token or --local-admin, not both.", "A token already says who you are.")
    if identity.local_admin_reason is not None:
        if not identity.local_admin_reason.strip():
            raise UserInputError(
                "--local-admin needs a reason for the audit log.", 'e.g. --local-admin "desk server is down"'
            )
        if not identity.by.strip():
            raise UserInputError("--local-admin needs --by NAME: who is acting.", "e.g. --by 王审核.")
    elif identity.token is not None and not identity.token.get_secret_value().strip():
        raise AuthenticationError("The token is empty.", HOW_TO_GET_A_TOKEN)


def _token_user(desk: ReviewDesk, identity: ShellIdentity) -> User:
    """The desk user the token belongs to; a --by naming someone else is refused, not silently ignored."""
    assert identity.token is not None
    try:
        user = desk.login(identity.token.get_secret_value().strip())
    except AuthenticationError as error:
        raise AuthenticationError(error.problem, HOW_TO_GET_A_TOKEN) from None
    claimed = identity.by.strip()
    if claimed and claimed != user.name:
        raise UserInputError(
            f"--by {claimed} does not match the token, which belongs to {user.name}.",
            "Drop --by (the token says who you are), or use your own token.",
        )
    return user


def _local_admin(desk: ReviewDesk, identity: ShellIdentity, draft_id: str, action: str) -> User:
    """An admin for this one decision, recorded in the audit log before it is attempted."""
    assert identity.local_admin_reason is not None
    name = identity.by.strip()
    reason = identity.local_admin_reason.strip()
    desk.audit.append(
        name, LOCAL_ADMIN_ACTION, draft_id=draft_id,
        note=f"local admin override (shell access, no token) to {action}: {reason}",
    )
    return User(name=name, role="admin", created_at=datetime.now())


def _desk_input(decision: ShellDecision) -> DecisionInput:
    """The desk's decision model; its limits (note and text length) become a clear message, not a traceback."""
    try:
        return DecisionInput(
            action=decision.action, note=decision.note, text=decision.text,
            expected_version=decision.expected_version,
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise UserInputError(
            f"The decision's {field} is not acceptable: {first['msg']}.",
            f"Keep the note within {MAX_NOTE_CHARS:,} characters, and check that you passed the right file.",
        ) from None
