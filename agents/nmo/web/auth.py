"""Who is calling: an API token from `Authorization: Bearer …`, or the pages' session cookie (a session ID,
never the token itself)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from nmo.desk import ReviewDesk
from nmo.sessions import SessionStore
from nmo.users import AuthenticationError, User

SESSION_COOKIE = "nmo_session"
bearer = HTTPBearer(auto_error=False, description="The token printed by `nmo user add NAME --role R`.")


def get_desk(request: Request) -> ReviewDesk:
    """The desk the app was started with."""
    desk: ReviewDesk = request.app.state.desk
    return desk


def get_sessions(request: Request) -> SessionStore:
    """The pages' sessions."""
    sessions: SessionStore = request.app.state.sessions
    return sessions


def optional_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    desk: Annotated[ReviewDesk, Depends(get_desk)],
    sessions: Annotated[SessionStore, Depends(get_sessions)],
) -> User | None:
    """The logged-in user, or None (pages redirect to the login page instead of failing).
    The bearer header wins over the session cookie."""
    if credentials is not None and credentials.credentials:
        return desk.users.authenticate(credentials.credentials)
    session_id = request.cookies.get(SESSION_COOKIE)
    return sessions.user_of(session_id) if session_id else None


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    """The logged-in user; 401 with how to get a token otherwise."""
    if user is None:
        raise AuthenticationError(
            "Missing or unknown API token.",
            "Send `Authorization: Bearer <token>`; an admin issues tokens with `nmo user add NAME --role R`.",
        )
    return user


CurrentUser = Annotated[User, Depends(current_user)]
Desk = Annotated[ReviewDesk, Depends(get_desk)]
Sessions = Annotated[SessionStore, Depends(get_sessions)]
