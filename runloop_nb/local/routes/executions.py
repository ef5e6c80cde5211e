"""Routes of the executions resource (placeholder until implemented)."""

from fastapi import APIRouter

router = APIRouter()
