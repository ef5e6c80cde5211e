"""Routes of the files resource (placeholder until implemented)."""

from fastapi import APIRouter

router = APIRouter()
