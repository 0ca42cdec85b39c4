// HDF5 (serial). Swift cannot import HDF5's macro constants (they expand to global
// variables after library initialisation), so each one used is exposed as a function.
#include <hdf5.h>

static inline hid_t mb_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t mb_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t mb_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t mb_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t mb_h5t_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t mb_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t mb_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t mb_h5s_all(void) { return H5S_ALL; }
static inline hid_t mb_h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline unsigned mb_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned mb_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned mb_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
static inline size_t mb_h5t_variable(void) { return H5T_VARIABLE; }
static inline hid_t mb_h5t_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t mb_h5t_native_int16(void) { return H5T_NATIVE_INT16; }
static inline hid_t mb_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t mb_h5t_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t mb_h5t_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t mb_h5e_default(void) { return H5E_DEFAULT; }
static inline hid_t mb_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t mb_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
