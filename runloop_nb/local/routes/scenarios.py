"""Routes of the scenarios resource (placeholder until implemented)."""

from fastapi import APIRouter

router = APIRouter()
