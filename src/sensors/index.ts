/** Ready-made sensors (docs/sensors.md): spread one into `d.sensor`'s options. */
export { fileSensor, type FoundFile } from "./file-sensor.js";
export { httpSensor, type HttpSensorOptions } from "./http-sensor.js";
export { datasetFreshSensor, type FreshDataset } from "./dataset-fresh-sensor.js";
