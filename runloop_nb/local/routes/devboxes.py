"""Routes of the devboxes resource (placeholder until implemented)."""

from fastapi import APIRouter

router = APIRouter()
