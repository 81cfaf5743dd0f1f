"""Datasets: synthetic RGB-D humans, dataset folders, augmentation."""
