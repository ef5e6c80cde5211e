"""Routes of the snapshots resource (placeholder until implemented)."""

from fastapi import APIRouter

router = APIRouter()
