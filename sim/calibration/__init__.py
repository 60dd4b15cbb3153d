"""Calibration (校准): fit behavioural parameters to observed statistics, show the fit, backtest the model."""
