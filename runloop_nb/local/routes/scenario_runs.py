"""Routes of the scenario runs resource (placeholder until implemented)."""

from fastapi import APIRouter

router = APIRouter()
