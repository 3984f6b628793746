// Test VMM for `hvtimer record` and the kvm test layer (test/kvm/README.md): scripted scenarios
// on /dev/kvm (x86_64), each selectable by name, printing one line per step:
//
//   SEQ IOCTL [where] [key=value...] -> RESULT [key=value...] [host_tsc=BEFORE..AFTER]
//   SEQ sleep DURATION
//   SEQ guest ...                       (what the tiny real-mode guest reported through port I/O)
//
// RESULT is the ioctl's return value or -ERRNO. host_tsc is the VMM's own rdtsc right before
// and after the call (the same TSC KVM reads on this host), so a test can bound KVM's offsets.
// Every KVM call goes through libc's dynamically linked ioctl(), which the recorder probes.
//
// Build: cc -O2 -Wall -pthread -o vmm test/kvm/vmm.c     Run: vmm SCENARIO | vmm list
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

// Request codes as the recorder's probe table spells them, checked against the uapi headers
// (include/uapi/linux/kvm.h; _IOC(dir, 0xAE, nr, size) = dir<<30 | size<<16 | 0xAE<<8 | nr).
_Static_assert(KVM_CREATE_VM == 0xAE01, "KVM_CREATE_VM");
_Static_assert(KVM_CHECK_EXTENSION == 0xAE03, "KVM_CHECK_EXTENSION");
_Static_assert(KVM_CREATE_VCPU == 0xAE41, "KVM_CREATE_VCPU");
_Static_assert(KVM_RUN == 0xAE80, "KVM_RUN");
_Static_assert(KVM_GET_MSRS == 0xC008AE88, "KVM_GET_MSRS");
_Static_assert(KVM_SET_MSRS == 0x4008AE89, "KVM_SET_MSRS");
_Static_assert(KVM_SET_CPUID2 == 0x4008AE90, "KVM_SET_CPUID2");
_Static_assert(KVM_GET_CPUID2 == 0xC008AE91, "KVM_GET_CPUID2");
_Static_assert(KVM_SET_CLOCK == 0x4030AE7B, "KVM_SET_CLOCK");
_Static_assert(KVM_GET_CLOCK == 0x8030AE7C, "KVM_GET_CLOCK");
_Static_assert(KVM_SET_TSC_KHZ == 0xAEA2, "KVM_SET_TSC_KHZ");
_Static_assert(KVM_GET_TSC_KHZ == 0xAEA3, "KVM_GET_TSC_KHZ");
_Static_assert(KVM_KVMCLOCK_CTRL == 0xAEAD, "KVM_KVMCLOCK_CTRL");
_Static_assert(KVM_SET_DEVICE_ATTR == 0x4018AEE1, "KVM_SET_DEVICE_ATTR");
_Static_assert(KVM_GET_DEVICE_ATTR == 0x4018AEE2, "KVM_GET_DEVICE_ATTR");
_Static_assert(KVM_HAS_DEVICE_ATTR == 0x4018AEE3, "KVM_HAS_DEVICE_ATTR");
_Static_assert(sizeof(struct kvm_clock_data) == 48, "struct kvm_clock_data");
_Static_assert(sizeof(struct kvm_device_attr) == 24, "struct kvm_device_attr");
_Static_assert(sizeof(struct kvm_cpuid_entry2) == 40, "struct kvm_cpuid_entry2");

// arch/x86/include/uapi/asm/kvm.h (5.16+); defined here too for older installed headers.
#ifndef KVM_VCPU_TSC_CTRL
#define KVM_VCPU_TSC_CTRL 0
#define KVM_VCPU_TSC_OFFSET 0
#endif

#define MSR_IA32_TSC 0x10
#define MSR_IA32_TSC_ADJUST 0x3b
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01
#define RESTORE_VALUE 123456789012ULL // the by-value restores write this IA32_TSC
#define MAX_VCPUS 4
#define GUEST_MEM 0x10000
#define GUEST_CODE 0x1000
#define GUEST_PVCLOCK 0x2000

typedef uint64_t u64;

static int kvm = -1, vm = -1;
static int vcpu[MAX_VCPUS] = {-1, -1, -1, -1};
static struct kvm_run *runs[MAX_VCPUS];
static unsigned char *mem;
static int seq;
static u64 host_khz; // KVM_GET_TSC_KHZ of the first vCPU (the host rate unless scaled)

static u64 rdtsc(void) {
  unsigned lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((u64)hi << 32) | lo;
}

static const char *errname(int e) {
  switch (e) {
    case EPERM: return "EPERM"; case ENOENT: return "ENOENT"; case EINTR: return "EINTR";
    case EIO: return "EIO"; case ENXIO: return "ENXIO"; case E2BIG: return "E2BIG";
    case EBADF: return "EBADF"; case EAGAIN: return "EAGAIN"; case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES"; case EFAULT: return "EFAULT"; case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST"; case ENODEV: return "ENODEV"; case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY"; case ENOSPC: return "ENOSPC"; case ERANGE: return "ERANGE";
    case ENOSYS: return "ENOSYS"; case EOPNOTSUPP: return "EOPNOTSUPP";
    default: return "E?";
  }
}

// One output line, flushed at once so a recorder's Ctrl-C never loses it.
static void line(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("%d ", ++seq);
  vprintf(fmt, ap);
  printf("\n");
  fflush(stdout);
  va_end(ap);
}

static void die(const char *what) {
  fprintf(stderr, "vmm: %s: %s\n", what, strerror(errno));
  exit(1);
}

// The result column: the value, or -ERRNO.
static char *res(long r, int err, char buf[32]) {
  if (r < 0) snprintf(buf, 32, "-%s", errname(err));
  else snprintf(buf, 32, "%ld", r);
  return buf;
}

typedef struct { long r; int err; u64 t0, t1; } call_t;

// Calls libc's ioctl (the symbol the recorder probes) and samples the host TSC around it.
static call_t kcall(int fd, unsigned long req, unsigned long arg) {
  call_t c;
  c.t0 = rdtsc();
  c.r = ioctl(fd, req, arg);
  c.err = errno;
  c.t1 = rdtsc();
  return c;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  line("sleep %ldms", ms);
  while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR) {}
}

static const char *msr_name(uint32_t index, char buf[16]) {
  switch (index) {
    case MSR_IA32_TSC: return "IA32_TSC";
    case MSR_IA32_TSC_ADJUST: return "IA32_TSC_ADJUST";
    case MSR_KVM_SYSTEM_TIME_NEW: return "MSR_KVM_SYSTEM_TIME_NEW";
    default: snprintf(buf, 16, "0x%x", index); return buf;
  }
}

static void check_cap(int cap, const char *name) {
  char b[32];
  call_t c = kcall(vm >= 0 ? vm : kvm, KVM_CHECK_EXTENSION, cap);
  line("KVM_CHECK_EXTENSION cap=%s -> %s", name, res(c.r, c.err, b));
}

static void create_vm(void) {
  char b[32];
  if (vm >= 0) close(vm);
  for (int i = 0; i < MAX_VCPUS; i++) {
    if (vcpu[i] >= 0) close(vcpu[i]);
    vcpu[i] = -1;
    runs[i] = NULL;
  }
  call_t c = kcall(kvm, KVM_CREATE_VM, 0);
  line("KVM_CREATE_VM -> %s host_tsc=%llu..%llu", res(c.r, c.err, b), (unsigned long long)c.t0, (unsigned long long)c.t1);
  if (c.r < 0) exit(1);
  vm = (int)c.r;
}

static void add_memory(void) {
  char b[32];
  if (!mem) {
    mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) die("mmap guest memory");
  }
  memset(mem, 0xf4, GUEST_MEM); // hlt everywhere
  struct kvm_userspace_memory_region r = {.slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_MEM, .userspace_addr = (u64)(uintptr_t)mem};
  call_t c = kcall(vm, KVM_SET_USER_MEMORY_REGION, (unsigned long)&r);
  line("KVM_SET_USER_MEMORY_REGION slot=0 size=0x%x -> %s", GUEST_MEM, res(c.r, c.err, b));
}

static void create_vcpu(int id) {
  char b[32];
  call_t c = kcall(vm, KVM_CREATE_VCPU, id);
  line("KVM_CREATE_VCPU id=%d -> %s host_tsc=%llu..%llu", id, res(c.r, c.err, b), (unsigned long long)c.t0, (unsigned long long)c.t1);
  if (c.r < 0) return;
  vcpu[id] = (int)c.r;
  int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (size <= 0) die("KVM_GET_VCPU_MMAP_SIZE");
  runs[id] = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu[id], 0);
  if (runs[id] == MAP_FAILED) die("mmap kvm_run");
}

static void set_msr(int id, uint32_t index, u64 value) {
  char b[32], n[16];
  struct { struct kvm_msrs h; struct kvm_msr_entry e[1]; } m;
  memset(&m, 0, sizeof m);
  m.h.nmsrs = 1;
  m.e[0].index = index;
  m.e[0].data = value;
  call_t c = kcall(vcpu[id], KVM_SET_MSRS, (unsigned long)&m);
  line("KVM_SET_MSRS vcpu%d %s=%llu -> %s host_tsc=%llu..%llu", id, msr_name(index, n), (unsigned long long)value, res(c.r, c.err, b),
       (unsigned long long)c.t0, (unsigned long long)c.t1);
}

static u64 get_msr(int id, uint32_t index) {
  char b[32], n[16];
  struct { struct kvm_msrs h; struct kvm_msr_entry e[1]; } m;
  memset(&m, 0, sizeof m);
  m.h.nmsrs = 1;
  m.e[0].index = index;
  call_t c = kcall(vcpu[id], KVM_GET_MSRS, (unsigned long)&m);
  line("KVM_GET_MSRS vcpu%d %s -> %s %s=%llu host_tsc=%llu..%llu", id, msr_name(index, n), res(c.r, c.err, b), msr_name(index, n),
       (unsigned long long)m.e[0].data, (unsigned long long)c.t0, (unsigned long long)c.t1);
  return m.e[0].data;
}

static void get_tscs(int n) {
  for (int i = 0; i < n; i++) if (vcpu[i] >= 0) get_msr(i, MSR_IA32_TSC);
}

// VM-wide (id < 0) or per-vCPU KVM_SET_TSC_KHZ / KVM_GET_TSC_KHZ; the frequency is the argument
// value and GET answers it as the return value (kvm-time.md §3.6).
static void set_khz(int id, u64 khz) {
  char b[32], w[16];
  call_t c = kcall(id < 0 ? vm : vcpu[id], KVM_SET_TSC_KHZ, khz);
  if (id < 0) snprintf(w, sizeof w, "vm"); else snprintf(w, sizeof w, "vcpu%d", id);
  line("KVM_SET_TSC_KHZ %s value=%llu -> %s", w, (unsigned long long)khz, res(c.r, c.err, b));
}

static long get_khz(int id) {
  char b[32], w[16];
  call_t c = kcall(id < 0 ? vm : vcpu[id], KVM_GET_TSC_KHZ, 0);
  if (id < 0) snprintf(w, sizeof w, "vm"); else snprintf(w, sizeof w, "vcpu%d", id);
  line("KVM_GET_TSC_KHZ %s -> %s", w, res(c.r, c.err, b));
  return c.r;
}

static void learn_host_khz(void) {
  create_vm();
  create_vcpu(0);
  long k = get_khz(0);
  if (k <= 0) { fprintf(stderr, "vmm: KVM_GET_TSC_KHZ failed\n"); exit(1); }
  host_khz = (u64)k;
}

static void tsc_offset_attr(int id, int set, u64 value) {
  char b[32];
  u64 v = value;
  struct kvm_device_attr a = {.flags = 0, .group = KVM_VCPU_TSC_CTRL, .attr = KVM_VCPU_TSC_OFFSET, .addr = (u64)(uintptr_t)&v};
  call_t c = kcall(vcpu[id], set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, (unsigned long)&a);
  if (set)
    line("KVM_SET_DEVICE_ATTR vcpu%d group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET value=%llu -> %s host_tsc=%llu..%llu", id, (unsigned long long)value,
         res(c.r, c.err, b), (unsigned long long)c.t0, (unsigned long long)c.t1);
  else
    line("KVM_GET_DEVICE_ATTR vcpu%d group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET -> %s value=%llu", id, res(c.r, c.err, b), (unsigned long long)v);
}

static struct kvm_clock_data get_clock(void) {
  char b[32];
  struct kvm_clock_data d;
  memset(&d, 0, sizeof d);
  call_t c = kcall(vm, KVM_GET_CLOCK, (unsigned long)&d);
  line("KVM_GET_CLOCK -> %s clock=%llu flags=0x%x realtime=%llu host_tsc=%llu", res(c.r, c.err, b), (unsigned long long)d.clock, d.flags,
       (unsigned long long)d.realtime, (unsigned long long)d.host_tsc);
  return d;
}

static void set_clock(u64 clock, uint32_t flags, u64 realtime) {
  char b[32];
  struct kvm_clock_data d;
  memset(&d, 0, sizeof d);
  d.clock = clock;
  d.flags = flags;
  d.realtime = realtime;
  call_t c = kcall(vm, KVM_SET_CLOCK, (unsigned long)&d);
  line("KVM_SET_CLOCK clock=%llu flags=0x%x realtime=%llu -> %s", (unsigned long long)clock, flags, (unsigned long long)realtime, res(c.r, c.err, b));
}

static u64 realtime_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static void kvmclock_ctrl(int id) {
  char b[32];
  call_t c = kcall(vcpu[id], KVM_KVMCLOCK_CTRL, 0);
  line("KVM_KVMCLOCK_CTRL vcpu%d -> %s", id, res(c.r, c.err, b));
}

// KVM_SET_CPUID2 from KVM_GET_SUPPORTED_CPUID with CPUID.(7,0):EBX bit 1 (TSC_ADJUST) set or cleared.
static void set_cpuid(int id, int tsc_adjust) {
  char b[32];
  int n = 100;
  struct kvm_cpuid2 *cp = calloc(1, sizeof *cp + n * sizeof(struct kvm_cpuid_entry2));
  cp->nent = n;
  if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cp) < 0) die("KVM_GET_SUPPORTED_CPUID");
  int found = 0;
  for (unsigned i = 0; i < cp->nent; i++) {
    struct kvm_cpuid_entry2 *e = &cp->entries[i];
    if (e->function == 7 && e->index == 0) {
      found = 1;
      if (tsc_adjust) e->ebx |= 1u << 1; else e->ebx &= ~(1u << 1);
    }
  }
  call_t c = kcall(vcpu[id], KVM_SET_CPUID2, (unsigned long)cp);
  line("KVM_SET_CPUID2 vcpu%d tsc_adjust=%d nent=%u leaf7=%s -> %s", id, tsc_adjust, cp->nent, found ? "yes" : "no", res(c.r, c.err, b));
  // What KVM kept: a vendor module may rewrite leaves (PVM replaces leaf 7 with the host's).
  memset(cp->entries, 0, n * sizeof(struct kvm_cpuid_entry2));
  cp->nent = n;
  c = kcall(vcpu[id], KVM_GET_CPUID2, (unsigned long)cp);
  int kept = -1;
  for (unsigned i = 0; c.r == 0 && i < cp->nent; i++)
    if (cp->entries[i].function == 7 && cp->entries[i].index == 0) kept = (cp->entries[i].ebx >> 1) & 1;
  line("KVM_GET_CPUID2 vcpu%d -> %s tsc_adjust=%d", id, res(c.r, c.err, b), kept);
  free(cp);
}

// The guest: real mode at GUEST_CODE. Optionally `wrmsr` (ecx=msr, edx:eax=value), then
// `rdtsc; out 0x10, eax; mov eax, edx; out 0x11, eax; hlt`. The VMM joins the two halves.
static void load_guest(int wrmsr, uint32_t msr, u64 value) {
  unsigned char *p = mem + GUEST_CODE;
  if (wrmsr) {
    *p++ = 0x66; *p++ = 0xb9; memcpy(p, &msr, 4); p += 4;                                          // mov ecx, msr
    uint32_t lo = (uint32_t)value, hi = (uint32_t)(value >> 32);
    *p++ = 0x66; *p++ = 0xb8; memcpy(p, &lo, 4); p += 4;                                           // mov eax, lo
    *p++ = 0x66; *p++ = 0xba; memcpy(p, &hi, 4); p += 4;                                           // mov edx, hi
    *p++ = 0x0f; *p++ = 0x30;                                                                      // wrmsr
  }
  const unsigned char tail[] = {0x0f, 0x31, 0x66, 0xe7, 0x10, 0x66, 0x89, 0xd0, 0x66, 0xe7, 0x11, 0xf4};
  memcpy(p, tail, sizeof tail);
}

static void reset_regs(int id) {
  struct kvm_sregs s;
  if (ioctl(vcpu[id], KVM_GET_SREGS, &s) < 0) die("KVM_GET_SREGS");
  s.cs.base = 0;
  s.cs.selector = 0;
  if (ioctl(vcpu[id], KVM_SET_SREGS, &s) < 0) die("KVM_SET_SREGS");
  struct kvm_regs r;
  memset(&r, 0, sizeof r);
  r.rip = GUEST_CODE;
  r.rflags = 0x2;
  if (ioctl(vcpu[id], KVM_SET_REGS, &r) < 0) die("KVM_SET_REGS");
}

static const char *exit_name(unsigned r) {
  switch (r) {
    case KVM_EXIT_IO: return "KVM_EXIT_IO"; case KVM_EXIT_HLT: return "KVM_EXIT_HLT";
    case KVM_EXIT_MMIO: return "KVM_EXIT_MMIO"; case KVM_EXIT_SHUTDOWN: return "KVM_EXIT_SHUTDOWN";
    case KVM_EXIT_FAIL_ENTRY: return "KVM_EXIT_FAIL_ENTRY"; case KVM_EXIT_INTERNAL_ERROR: return "KVM_EXIT_INTERNAL_ERROR";
    case KVM_EXIT_INTR: return "KVM_EXIT_INTR";
    default: return "KVM_EXIT_?";
  }
}

// Runs the guest until hlt; prints each KVM_RUN and the TSC the guest read.
static void run_guest(int id) {
  char b[32];
  uint32_t lo = 0, hi = 0;
  for (int n = 0; n < 16; n++) {
    call_t c = kcall(vcpu[id], KVM_RUN, 0);
    struct kvm_run *r = runs[id];
    line("KVM_RUN vcpu%d -> %s exit=%s host_tsc=%llu..%llu", id, res(c.r, c.err, b), c.r < 0 ? "none" : exit_name(r->exit_reason),
         (unsigned long long)c.t0, (unsigned long long)c.t1);
    if (c.r < 0) return;
    if (r->exit_reason == KVM_EXIT_IO && r->io.direction == KVM_EXIT_IO_OUT && r->io.size == 4) {
      uint32_t v;
      memcpy(&v, (unsigned char *)r + r->io.data_offset, 4);
      if (r->io.port == 0x10) lo = v;
      else if (r->io.port == 0x11) {
        hi = v;
        line("guest vcpu%d rdtsc=%llu", id, (unsigned long long)(((u64)hi << 32) | lo));
      }
      continue;
    }
    if (r->exit_reason == KVM_EXIT_HLT) return;
    if (r->exit_reason == KVM_EXIT_INTERNAL_ERROR) line("guest vcpu%d internal_error suberror=%u", id, r->internal.suberror);
    return;
  }
}

struct run_arg { int id; };
static void *run_thread(void *p) {
  run_guest(((struct run_arg *)p)->id);
  return NULL;
}

// Runs the guest on its own thread, as VMMs do with vCPU threads (the recorder follows threads).
static void run_guest_on_thread(int id) {
  pthread_t t;
  struct run_arg a = {id};
  if (pthread_create(&t, NULL, run_thread, &a) != 0) die("pthread_create");
  pthread_join(t, NULL);
}

static void pvclock_dump(int id) {
  // struct pvclock_vcpu_time_info (arch/x86/include/asm/pvclock-abi.h): version u32 @0, pad u32,
  // tsc_timestamp u64 @8, system_time u64 @16, tsc_to_system_mul u32 @24, tsc_shift s8 @28, flags u8 @29.
  const unsigned char *p = mem + GUEST_PVCLOCK;
  uint32_t version, mul;
  u64 tsc_ts, sys;
  int8_t shift;
  uint8_t flags;
  memcpy(&version, p, 4); memcpy(&tsc_ts, p + 8, 8); memcpy(&sys, p + 16, 8);
  memcpy(&mul, p + 24, 4); memcpy(&shift, p + 28, 1); memcpy(&flags, p + 29, 1);
  line("pvclock vcpu%d version=%u tsc_timestamp=%llu system_time=%llu tsc_to_system_mul=%u tsc_shift=%d flags=0x%x", id, version,
       (unsigned long long)tsc_ts, (unsigned long long)sys, mul, shift, flags);
}

// ---- scenarios ------------------------------------------------------------------------------

static void sc_boot(void) {
  create_vm();
  check_cap(KVM_CAP_TSC_CONTROL, "KVM_CAP_TSC_CONTROL");
  check_cap(KVM_CAP_GET_TSC_KHZ, "KVM_CAP_GET_TSC_KHZ");
  check_cap(KVM_CAP_VM_TSC_CONTROL, "KVM_CAP_VM_TSC_CONTROL");
  check_cap(KVM_CAP_ADJUST_CLOCK, "KVM_CAP_ADJUST_CLOCK");
  check_cap(KVM_CAP_KVMCLOCK_CTRL, "KVM_CAP_KVMCLOCK_CTRL");
  check_cap(KVM_CAP_VCPU_ATTRIBUTES, "KVM_CAP_VCPU_ATTRIBUTES");
  get_khz(-1);
  create_vcpu(0);
  sleep_ms(500);
  create_vcpu(1);
  sleep_ms(500);
  create_vcpu(2);
  get_khz(0);
  get_tscs(3);
}

static void sc_restore(long gap_ms) {
  create_vm();
  create_vcpu(0);
  create_vcpu(1);
  set_msr(0, MSR_IA32_TSC, RESTORE_VALUE);
  if (gap_ms) sleep_ms(gap_ms);
  set_msr(1, MSR_IA32_TSC, RESTORE_VALUE);
  get_tscs(2);
}

static void sc_same_advanced(void) {
  learn_host_khz();
  create_vcpu(1);
  create_vcpu(2);
  set_msr(0, MSR_IA32_TSC, RESTORE_VALUE);
  sleep_ms(100);
  set_msr(1, MSR_IA32_TSC, RESTORE_VALUE);                          // same value, 100 ms later
  sleep_ms(100);
  set_msr(2, MSR_IA32_TSC, RESTORE_VALUE + 200 * host_khz);         // advanced by the 200 ms elapsed
  sleep_ms(100);
  set_msr(0, MSR_IA32_TSC, RESTORE_VALUE + 5000 * host_khz);        // advanced 5 s: outside the window
  get_tscs(3);
}

static void sc_zero_writes(void) {
  create_vm();
  create_vcpu(0);
  create_vcpu(1);
  set_msr(0, MSR_IA32_TSC, 0);                                      // before any userspace write
  sleep_ms(100);
  set_msr(0, MSR_IA32_TSC, RESTORE_VALUE);
  sleep_ms(100);
  set_msr(1, MSR_IA32_TSC, 0);                                      // 0 after a userspace write
  sleep_ms(100);
  set_msr(0, MSR_IA32_TSC, 0);
  get_tscs(2);
}

static void sc_hotplug(void) {
  create_vm();
  create_vcpu(0);
  create_vcpu(1);
  set_msr(0, MSR_IA32_TSC, RESTORE_VALUE);
  set_msr(1, MSR_IA32_TSC, RESTORE_VALUE);
  sleep_ms(1500);
  create_vcpu(2);                                                   // hot-plug
  get_tscs(3);
  u64 v = get_msr(0, MSR_IA32_TSC);
  set_msr(2, MSR_IA32_TSC, v);                                      // QEMU-like: the new vCPU gets vcpu0's TSC
  get_tscs(3);
}

static void sc_tsc_offset_attr(void) {
  char b[32];
  create_vm();
  create_vcpu(0);
  create_vcpu(1);
  struct kvm_device_attr a = {.group = KVM_VCPU_TSC_CTRL, .attr = KVM_VCPU_TSC_OFFSET};
  call_t c = kcall(vcpu[0], KVM_HAS_DEVICE_ATTR, (unsigned long)&a);
  line("KVM_HAS_DEVICE_ATTR vcpu0 group=KVM_VCPU_TSC_CTRL attr=KVM_VCPU_TSC_OFFSET -> %s", res(c.r, c.err, b));
  tsc_offset_attr(0, 0, 0);
  tsc_offset_attr(1, 0, 0);
  u64 off = RESTORE_VALUE - rdtsc();                                // guest TSC ≈ RESTORE_VALUE now
  tsc_offset_attr(0, 1, off);
  sleep_ms(100);
  tsc_offset_attr(1, 1, off);                                       // same offset: matched
  get_tscs(2);
  sleep_ms(100);
  tsc_offset_attr(1, 1, off + 1000000);                             // different offset: new generation
  sleep_ms(100);
  create_vcpu(2);                                                   // hot-plug after an offset write
  tsc_offset_attr(2, 0, 0);
  get_tscs(3);
}

static void sc_tsc_khz_vm(void) {
  learn_host_khz();
  u64 h = host_khz;
  u64 values[4] = {h, h + h / 10000 /* +100 ppm */, h * 6 / 5 /* +20 % */, h * 4 / 5 /* -20 % */};
  const char *what[4] = {"at", "near", "above", "below"};
  for (int i = 0; i < 4; i++) {
    line("case %s host_khz=%llu", what[i], (unsigned long long)h);
    create_vm();
    set_khz(-1, values[i]);
    get_khz(-1);
    create_vcpu(0);
    get_khz(0);
    get_tscs(1);
    set_msr(0, MSR_IA32_TSC, 0);
    set_khz(-1, values[i]);                                        // after a vCPU exists
  }
}

static void sc_tsc_khz_vcpu(void) {
  learn_host_khz();
  u64 h = host_khz;
  u64 values[4] = {h, h + h / 10000, h * 6 / 5, h * 4 / 5};
  const char *what[4] = {"at", "near", "above", "below"};
  create_vcpu(1);
  create_vcpu(2);
  create_vcpu(3);
  for (int i = 0; i < 4; i++) {
    line("case %s host_khz=%llu", what[i], (unsigned long long)h);
    set_khz(i, values[i]);
    get_khz(i);
    set_msr(i, MSR_IA32_TSC, 0);
  }
  get_tscs(4);
}

static void sc_kvmclock(void) {
  create_vm();
  get_clock();                                                      // kvmclock right after KVM_CREATE_VM
  sleep_ms(100);
  struct kvm_clock_data d = get_clock();
  set_clock(5000000000ULL, 0, 0);                                   // 5 s
  get_clock();
  set_clock(5000000000ULL, KVM_CLOCK_REALTIME, realtime_ns() - 1000000000ULL); // realtime 1 s ago
  get_clock();
  set_clock(5000000000ULL, KVM_CLOCK_REALTIME, realtime_ns() + 1000000000ULL); // realtime 1 s ahead
  get_clock();
  add_memory();
  create_vcpu(0);
  reset_regs(0);
  load_guest(0, 0, 0);
  kvmclock_ctrl(0);                                                 // before the guest enables kvmclock
  set_msr(0, MSR_KVM_SYSTEM_TIME_NEW, GUEST_PVCLOCK | 1);
  kvmclock_ctrl(0);                                                 // after
  run_guest(0);
  pvclock_dump(0);
  d = get_clock();
  set_clock(d.clock, d.flags, d.realtime);                          // GET's own output back
  get_clock();
}

static void sc_cpuid_tsc_adjust(void) {
  create_vm();
  add_memory();
  load_guest(1, MSR_IA32_TSC_ADJUST, 1000000);                      // guest: wrmsr IA32_TSC_ADJUST=1000000; rdtsc
  for (int id = 0; id < 3; id++) {
    create_vcpu(id);
    if (id < 2) set_cpuid(id, id == 0);                              // vcpu0 with TSC_ADJUST, vcpu1 without, vcpu2 none
    reset_regs(id);
  }
  for (int id = 0; id < 3; id++) {
    set_msr(id, MSR_IA32_TSC_ADJUST, 1000);                          // host write: stored only
    get_msr(id, MSR_IA32_TSC_ADJUST);
    get_msr(id, MSR_IA32_TSC);
    run_guest(id);
    get_msr(id, MSR_IA32_TSC_ADJUST);
    get_msr(id, MSR_IA32_TSC);
  }
}

static void sc_guest_rdtsc(void) {
  create_vm();
  add_memory();
  load_guest(0, 0, 0);
  create_vcpu(0);
  reset_regs(0);
  set_msr(0, MSR_IA32_TSC, RESTORE_VALUE);
  run_guest_on_thread(0);
  sleep_ms(100);
  reset_regs(0);
  run_guest_on_thread(0);
  get_tscs(1);
}

static void sc_gap0(void) { sc_restore(0); }
static void sc_gap100(void) { sc_restore(100); }
static void sc_gap1500(void) { sc_restore(1500); }

static const struct { const char *name; void (*fn)(void); const char *what; } scenarios[] = {
  {"boot", sc_boot, "capabilities, then vCPUs created 0.5 s apart"},
  {"restore-0", sc_gap0, "IA32_TSC restored by value on two vCPUs back to back"},
  {"restore-100ms", sc_gap100, "IA32_TSC restored by value on two vCPUs 100 ms apart"},
  {"restore-1500ms", sc_gap1500, "IA32_TSC restored by value on two vCPUs 1.5 s apart"},
  {"same-advanced", sc_same_advanced, "the same value, a value advanced by the elapsed time, one advanced 5 s"},
  {"zero-writes", sc_zero_writes, "IA32_TSC=0 before and after a userspace write"},
  {"hotplug", sc_hotplug, "a vCPU created 1.5 s after a restore, then given vcpu0's TSC"},
  {"tsc-offset-attr", sc_tsc_offset_attr, "KVM_VCPU_TSC_OFFSET get/set, same and different offsets, hot-plug"},
  {"tsc-khz-vm", sc_tsc_khz_vm, "VM-wide KVM_SET_TSC_KHZ at, near, above and below the host rate"},
  {"tsc-khz-vcpu", sc_tsc_khz_vcpu, "per-vCPU KVM_SET_TSC_KHZ at, near, above and below the host rate"},
  {"kvmclock", sc_kvmclock, "KVM_GET/SET_CLOCK with and without KVM_CLOCK_REALTIME, KVM_KVMCLOCK_CTRL"},
  {"cpuid-tsc-adjust", sc_cpuid_tsc_adjust, "KVM_SET_CPUID2 with/without TSC_ADJUST, host and guest IA32_TSC_ADJUST writes"},
  {"guest-rdtsc", sc_guest_rdtsc, "a real-mode guest on a vCPU thread reads its TSC (rdtsc; out; hlt)"},
};

int main(int argc, char **argv) {
  int n = (int)(sizeof scenarios / sizeof scenarios[0]);
  if (argc != 2) {
    fprintf(stderr, "usage: vmm SCENARIO | vmm list\n");
    return 2;
  }
  if (strcmp(argv[1], "list") == 0) {
    for (int i = 0; i < n; i++) printf("%s\t%s\n", scenarios[i].name, scenarios[i].what);
    return 0;
  }
  for (int i = 0; i < n; i++) {
    if (strcmp(argv[1], scenarios[i].name) != 0) continue;
    kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) die("/dev/kvm");
    line("scenario %s", scenarios[i].name);
    scenarios[i].fn();
    line("done");
    return 0;
  }
  fprintf(stderr, "vmm: unknown scenario `%s` (vmm list)\n", argv[1]);
  return 2;
}
