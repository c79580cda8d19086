/* cdsr_optim_*: fused optimizer updates and gradient clipping.
 *
 * Every update runs under no-grad and changes parameters and state in place, one native call per
 * parameter group and step. Arrays have n entries; parameter handles are borrowed.
 *
 * State slots (exp_avg, exp_avg_sq, max_exp_avg_sq, momentum_buffer) are in/out arrays of handles owned by
 * the caller. A NULL slot whose parameter has a gradient is filled by the call with a NEW handle (zeros,
 * or for SGD's momentum buffer the first update direction) that the caller then owns and must release with
 * cdsr_tensor_dispose. The caller must scan the slots for new handles after every call, failed or not:
 * a call that fails part-way may already have filled some slots.
 *
 * Parameters whose .grad is undefined are skipped and their slots and step counts are left unchanged.
 * steps[i] is the number of updates parameter i has received; the call increments it for every updated
 * parameter before using it for Adam's bias correction.
 */
#ifndef CDSR_OPTIM_H
#define CDSR_OPTIM_H
#include "cdsr_common.h"

/* Adam (decoupled = 0: L2 penalty weight_decay * param added to the gradient) or AdamW (decoupled = 1:
 * param *= 1 - lr * weight_decay before the Adam update). max_exp_avg_sq may be NULL unless amsgrad = 1. */
CDSR_API int cdsr_optim_adam_step(const cdsr_tensor* params, cdsr_tensor* exp_avg, cdsr_tensor* exp_avg_sq,
                                  cdsr_tensor* max_exp_avg_sq, int64_t* steps, int n, double lr, double beta1,
                                  double beta2, double eps, double weight_decay, int decoupled, int amsgrad);

/* SGD with optional momentum (buffer slots may be NULL when momentum == 0), dampening and Nesterov momentum. */
CDSR_API int cdsr_optim_sgd_step(const cdsr_tensor* params, cdsr_tensor* momentum_buffer, int64_t* steps, int n,
                                 double lr, double momentum, double dampening, double weight_decay, int nesterov);

/* Clears gradients: set_to_none = 1 drops them (frees their memory), 0 fills them with zeros. */
CDSR_API int cdsr_optim_zero_grad(const cdsr_tensor* params, int n, int set_to_none);

/* Scales all gradients together so that their joint norm_type-norm (inf allowed) is at most max_norm;
 * *total_norm receives the norm before clipping. Parameters without a gradient are ignored. */
CDSR_API int cdsr_optim_clip_grad_norm(const cdsr_tensor* params, int n, double max_norm, double norm_type,
                                       double* total_norm);

/* Clamps every gradient element into [-clip_value, clip_value]. */
CDSR_API int cdsr_optim_clip_grad_value(const cdsr_tensor* params, int n, double clip_value);

#endif
