"""The main screen and the modal screens it opens."""
