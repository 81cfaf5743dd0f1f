"""Development and test tools that talk DDS: ``make demo`` (:mod:`.demo`), ``pipose record``
(:mod:`.record`), ``pipose synthetic-camera`` (:mod:`.synthetic_camera`). They import rclpy,
the data generators and the renderers; the run-time node (:mod:`pipose_ros.ros`) imports none
of them."""
