// HDF5IO: under construction
