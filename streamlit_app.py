"""Marketing results dashboard — entry point. Run: streamlit run streamlit_app.py"""

import logging

from dashboard.app import run

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
run()
