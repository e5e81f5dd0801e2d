"""Streamed exports of course data (grade books in several layouts); framework-free like the rest of `course`."""
