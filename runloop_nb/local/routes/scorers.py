"""Routes of the scorers resource (placeholder until implemented)."""

from fastapi import APIRouter

router = APIRouter()
