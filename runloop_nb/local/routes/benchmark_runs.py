"""Routes of the benchmark runs resource (placeholder until implemented)."""

from fastapi import APIRouter

router = APIRouter()
