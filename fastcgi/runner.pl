#!/usr/bin/perl
# runner.pl: menshen's bundled persistent Perl runner (C21, C23). A pure-Perl
# (core modules only, Perl 5.32+) FastCGI 1.0 responder that runs ONE
# unmodified CGI script for request after request, giving each request what a
# fresh `perl script.pl` process under CGI would see.
#
# =============================================================================
# DESIGN
# =============================================================================
#
# Start: perl [-w] runner.pl [--isolation=auto|perlrun|registry] /abs/script.pl
# with the listening Unix socket as fd 0 (FCGI_LISTENSOCK_FILENO, as mod_fcgid
# does), stdout closed or /dev/null, stderr a pipe the gateway logs. The
# runner moves the listener to a high fd, so that 0, 1 and 2 are free to be
# the request's own stdin, stdout and stderr. It accepts one connection at a
# time and serves requests on it while the gateway keeps it (FCGI_KEEP_CONN);
# FCGI_GET_VALUES answers FCGI_MAX_CONNS=1, FCGI_MAX_REQS=1,
# FCGI_MPXS_CONNS=0; other management records get FCGI_UNKNOWN_TYPE; roles
# other than responder get FCGI_UNKNOWN_ROLE; a second BEGIN_REQUEST while
# one is open gets FCGI_CANT_MPX_CONN; FCGI_ABORT_REQUEST ends the request.
# SIGTERM between requests (or while a request's records arrive, or its
# answer leaves): finish that request, then exit 0. While the script runs
# (compilation, END blocks and the wipe included) SIGTERM is the script's,
# as in its own process: no handler (the default, which kills the worker
# at once, as it would the CGI process; the gateway then answers as for a
# crashed worker), or the one the script set. That costs six syscalls a
# request, so it is done for scripts whose source names signals (SIG,
# kill, sigtrap, sigaction); any other script cannot set or send one
# itself, and keeps the runner's handler out of sight (an outside SIGTERM
# then ends the worker after the request, not at once; a module that reads
# $SIG{TERM} would see it). The gateway sends SIGTERM
# only to stop a worker, after closing its connection: to an idle one, or
# to a busy one whose request is failing anyway (drain timeout). A
# listener that fails (closed or shut down by the gateway) ends the runner
# with status 0.
#
# Each request:
#   1. The whole FCGI_PARAMS and FCGI_STDIN streams are read first (pairs may
#      straddle records). The body stays in memory up to 1 MiB, then spills
#      to an anonymous temp file.
#   2. fd 0 becomes the body: /dev/null when empty, a pipe when it fits one
#      write (4 KiB), else an anonymous temp file. STDIN is a PerlIO handle
#      on fd 0, so read, sysread, <STDIN>, eof, -s and CGI.pm all work, and
#      no layer or buffer survives from an earlier request: a handle is
#      kept for the next request only while it is as new (see KEPT HANDLES).
#      It is perl's own stdin (PerlIO's first slot, see reset_fds), so `<>`
#      and open(FH, '-') read the body too, sharing STDIN's buffer as in a
#      new process; ARGV is closed, $ARGV undef and `<>` set to start over,
#      and $. undef, for every request.
#   3. fd 1 becomes a fresh capture file (a memfd, else an anonymous temp
#      file), and STDOUT a handle
#      whose layers are  unix($SINK) + via(Menshen::Runner::Out) + perlio:
#      the top is a genuine :perlio layer, so buffering (8 KiB, flushed when
#      full, on $|, on close, before fork/system/exec), binmode (:raw, :utf8,
#      :encoding(...)), "Wide character" warnings, print/printf/say/write
#      (formats) behave exactly as on a real STDOUT; the via layer receives
#      the bytes perl would have written to fd 1, at the moments it would
#      have written them, and sends them as FCGI_STDOUT records at once (so
#      `$| = 1` streams, C8). fileno(STDOUT) is 1. Whatever reaches fd 1
#      itself (syswrite STDOUT, a piped open's command, a dup of STDOUT, XS
#      code) lands in the capture file and is sent, in order, before the
#      next perl-level write and at the end of the request: the same bytes,
#      only not streamed while a child runs. The script's own syswrite to
#      STDOUT sends it at once (syswrite_override). A program run by system()
#      writes to a pipe the runner reads while it runs (system_override):
#      its output is streamed. The capture file is new
#      after every request that may have forked, so a child that outlives
#      its request writes nowhere; else it is emptied and serves again
#      (ASSUMPTIONS: the fork sentinel). A file the script puts on fd 1
#      itself (a reopen of STDOUT perl does by dup2, fd1_taken) gets what
#      it prints and its children's output until fd 1 is the capture again;
#      a dup of STDOUT has a real descriptor of the capture (Out::PUSHED).
#      Once the script is done, the last output, the ends of the streams
#      and FCGI_END_REQUEST leave in one write; the restoring (7) happens
#      after it, while the client reads.
#   4. STDERR is the same construction over FCGI_STDERR (unbuffered like a
#      real stderr; fileno 2 stays the gateway's pipe, for children). warn,
#      die messages and compile errors reach the gateway tagged with the
#      request. The runner's own log lines go to the real stderr. A file
#      the script puts on fd 2 itself (a reopen of STDERR, in a library
#      too: to STDOUT to show errors in the page, to a log file, carpout;
#      fd_taken) gets what it prints to STDERR, and its children's stderr,
#      until fd 2 is the pipe again; a dup of STDERR has a real descriptor
#      of what fd 2 was (Err::PUSHED). fd 2 is the pipe again for every
#      request, with the file status flags it had at start (an O_NONBLOCK
#      a request set stays on the pipe's open file, shared by all).
#   5. %ENV is exactly the FCGI_PARAMS (from menshen's gateway, one
#      environment block: env_block), @ARGV is empty (CVE-2012-1823), $0 is
#      the script path, the cwd the script's directory, and $/ $\ $, $" $;
#      $| $@ $! $? $^W $^T $_ are fresh; srand() reseeds.
#   6. The script runs (see ISOLATION), then its END blocks, then (perlrun)
#      its globals are wiped, which runs DESTROY methods: all while STDOUT
#      still goes to the client. After a request that forked, what the
#      script left running is killed (see "background processes" below).
#      The app status of FCGI_END_REQUEST is the
#      exit code a CGI process would have had: exit N -> N & 255, die -> as
#      perl computes it ($! or $?>>8 or 255), normal end -> 0, as changed by
#      END blocks through $?.
#   7. Restored afterwards, in every mode: %SIG (to its state after the
#      script's compilation, and SIGTERM to the runner's handler: a join of
#      all handlers first tells whether anything changed), alarm(0) and
#      the CPU-time interval timers (setitimer's ITIMER_VIRTUAL and
#      ITIMER_PROF, disarm_itimers: before the script's handlers go),
#      the signal mask (restore_sigmask: one rt_sigprocmask tells whether
#      it changed; the signals it left pending are discarded first),
#      the priority (restore_nice, for scripts whose source names
#      setpriority, nice or renice: one that cannot be raised again
#      retires the worker after the request), the ids and root directory
#      of a worker started as root (restore_ids: ids that cannot be put
#      back, a setuid, and any chroot retire it the same way), umask,
#      @INC, select(STDOUT), fds 0/1/2, the module globals listed in
#      WATCHED GLOBALS below, the settings some modules keep in their
#      own lexicals, in C or in a shared object (MODULE SETTINGS IN
#      LEXICALS: DateTime, Time::Piece, XML::Twig, LWP::Simple, GD,
#      Sys::Syslog, in-memory caches, MIME::Lite, GD::Graph::colour,
#      PDF::API2, Mail::Sendmail, Date::Calc, Date::Manip), the overrides of perl's builtins
#      in CORE::GLOBAL:: (cg_restore: what the request put there goes,
#      the runner's own exit, caller and fork come back; a module's
#      stays with the module; one that code compiled meanwhile and kept
#      calls retires the worker after the request). Package filehandles
#      the script left open are closed (flushing them, releasing flocks)
#      as the exit of a CGI process would; the flocks of files a module
#      keeps open in a lexical of its own (IkiWiki.pm's $wikilock) are
#      released, the files left open (release_flocks). CGI.pm, when loaded, gets
#      CGI::initialize_globals().
#
# KEPT HANDLES. Making STDIN, STDOUT and STDERR anew costs more than a small
# script. After a request each one is kept for the next when it is still the
# handle the runner installed (not replaced, closed or tied; STDIN's handle
# is always the same glob, $IDLE_IN, opened again in place), its PerlIO
# layers, their arguments and flags (EOF, error, utf8, buffer in use) are
# what they were when it was new (after the registry's `use open` layers),
# and, for STDOUT/STDERR, the format state ($~ $^ $= $- $%) is the default;
# $| is reset for every request. Anything else makes a new handle. STDOUT is
# flushed before that check (a full buffer is no state of the handle), and a
# kept STDOUT or STDERR gets a fresh :perlio layer (rewind), so that tell()
# starts from 0 again as in a new process (CGI::Carp's fatalsToBrowser
# prints its header only while tell(STDOUT) is 0; corpus tell.pl, carp.pl).
#
# SPEED (hello.pl vs its FCGI.pm twin hello.fcgi, through menshen, wrk, 2
# shared cores). Before: 2.4k vs 6.5k req/s at c=1 (0.36x), 2.8k vs 13.6k at
# c=8 (0.20x); runner alone 227 us/request. After: about 5.2k vs 6.1-7.5k at
# c=1 (0.7-0.8x), 7.8-8.4k vs 12.5-20k at c=8 (0.4-0.6x); runner alone
# about 105 us/request round trip. Cuts: a memfd instead of a temp file for
# fd 1 (50 us -> 2), handles kept (12 us), one write per answer, restoring
# after FCGI_END_REQUEST, cheap checks for "nothing changed" (%SIG, package
# list, END list, watched globals, registry fingerprints), srand from a
# buffer of /dev/urandom. What remains is Perl work of about 60 us: %ENV
# (18 setenv), the checks that keep CGI semantics, record parsing.
#
# Second round (BenchmarkRunner_Hello, 3000 requests, medians of 5-10 runs
# on 2 busy shared cores; round trip / runner CPU per request):
#   auto      ~110 / 85 us  ->  ~82 / 67 us
#   registry  ~108 / 72 us  ->  ~80 / 62 us
#   perlrun   ~181 / 179 us ->  ~170 / 155 us
# Cuts: STDOUT really kept (its unflushed buffer failed the keep check, so
# it was made new every request), the capture memfd reused after requests
# that forked nothing (fork sentinel), 2 getpid instead of 4, kept handles
# rewound only when they wrote, after the answer, without a second layer
# signature, inlined fast paths, perlrun's %SIG base taken again only when
# the compilation changed %SIG. 14 syscalls per request. callgrind counts
# about 540k instructions per auto request (a bare Perl FastCGI loop with a
# via STDOUT: 160k); the largest remaining parts are all needed for CGI
# semantics: %ENV (parse 63k + setenv 37k), the package list signature
# (80k, one key count per symbol table, about 110 of them, 41 from B), the
# %SIG check (54k, a magic get per signal), layer signatures (12k each for
# STDIN, STDOUT, STDERR), restore_watched (20k). The send and the read,
# with their wakeups, are most of the kernel time.
#
# Third round (runner-fixes: <>, closure warnings, $^S, SIGTERM, DESTROY of
# globals, top-level return), callgrind, hello.pl, instructions per
# request: auto 541k -> 554k; perlrun 1103k -> 1220k (the 'closure'
# warnings hook at each compilation about 19k, the object pass over the
# script's symbols about 16k, the $. reset 8k). $^S costs nothing until
# read; the SIGTERM switch (six syscalls) only for scripts naming signals.
#
# Fourth round: the checks that visit every name the script imported
# (registry under auto). A script with `use`s of 25 common modules (CGI,
# DBI, POSIX, Fcntl, Socket, JSON::PP...: about 290 names in main::) cost
# 12.7M instructions a request, hello.pl 0.6M. Now 4.5M: the loops look
# into the symbol table's own globs (\$main::{$k}), not copies (a glob
# copied into a lexical costs three times as much to look into); handles
# and data are found in one pass before the answer (scan_script_globs),
# and the objects pass visits only the symbols that hold data; the light
# globs are put back by the check that visits them anyway; constants
# (`use constant`, Fcntl's) are light, not fingerprinted; %+ and $> are
# the interpreter's, not the script's.
#
# Fifth round: the package list check (is any package made or gone?) built a
# string of about a hundred key counts per request (97k instructions of the
# 570k of hello.pl in auto). While the tables stay the same it is now one
# compiled comparison of the counts against constants (stash_same): 510k.
# Then: no $. reset when there is no last-read handle (the runner's own
# sysseek made one every request), the record header read with ord/vec
# instead of unpack, the keep check of STDOUT/STDERR on a glob reference
# (a glob copied into a variable cost more than the check), one test for
# the three standard globs: 481k.
#
# Sixth round (the same count, hello.pl under auto; runs with
# PERL_HASH_SEED=0 repeat to the instruction): 563k -> 539k; registry
# 508k -> 483k. A whole record already read is taken in serve_conn,
# without read_record's call (four a request): 9k. STDERR's layer has no
# FLUSH (PerlIO::via's default is the same 0), stdout_write's fstat of
# fd 1 serves drain_fd1 too, the empty FCGI_STDOUT record and
# FCGI_END_REQUEST are packed inline: 10k. After the answer, the %SIG
# join, STDIN's layer signature, rewind's and returned_early's first
# tests inline: 4k. What remains, each needed for CGI semantics: %ENV
# (about 150k: parse 90k, setenv 20k with its magic copies 9k, the
# clearing 22k), the %SIG check (50k, a magic get per signal), the
# package list (35k, 117 tables), the layer signatures of STDIN, STDOUT
# and STDERR (11k each), the rewind of a STDOUT that wrote (about 12k),
# the restore and check of watched globals (27k for hello.pl's six),
# record parsing and dispatch (about 5k a record).
#
# ASSUMPTIONS the speed relies on (each checked by a test):
#   - The fork sentinel: perl flushes every PerlIO handle before it forks
#     (fork, system, exec, qx//, every pipe open, IPC::Open3: the
#     PERL_FLUSHALL_FOR_CHILD of pp_fork, pp_system, pp_exec, my_popen).
#     The runner keeps one handle that nothing else ever flushes; its
#     flushes ($FORKS) count the forks. A request with none leaves no
#     process but the runner holding fd 1's capture file, which is then
#     emptied and reused (next_capture; TestRunner_LateChildStaysOut). XS
#     code that calls fork(2) itself, without that flush, is not seen: its
#     child must not outlive the request while writing to fd 1. The same
#     count spares a getpid: only after a fork can the script's code
#     return into the runner in a child; the writes to STDOUT/STDERR and
#     the check after the END blocks still ask $$ every time. And only a
#     request that forked can leave processes behind: end_kids runs for
#     those alone (hello.pl pays one comparison; a backticks request about
#     40 us: two reads of ns_last_pid and a probe of the few new pids, in
#     the noise of its 1.4 ms fork and exec).
#
# ISOLATION (--isolation, per script; the gateway passes it)
#
# The script is always compiled the same way: its source up to __END__ or
# __DATA__, wrapped as
#     package main; sub Menshen::Runner::Compiled::scriptN {
#     #line 1 "/abs/script.pl"
#     ...source... }
# (a named sub: an anonymous one whose lexicals named subs capture would be
# a closure prototype, and calling it would run a clone those subs never
# see) and compiled with `do` through an @INC hook, so the lexer reads it line by
# line like perl reads a script file: warnings and errors name the real file
# and line, compile errors read exactly as perl prints them (the runner adds
# perl's "Execution of ... aborted due to compilation errors." line when the
# parse ended with errors, at the end or where perl gave up before it, as
# perl does; the closing } comes from
# a generator once perl has read the script, which sees where it ended, so
# that an unfinished script's end is reported there; see compile_script),
# and
# the script inherits none of the runner's pragmas or lexicals. It runs in
# package main, as under CGI: $main::x, $::x, __PACKAGE__, `require "lib.pl"`
# libraries without a package line, and callbacks named by string all work.
#
#   perlrun  (the mod_perl PerlRun model, without its flaws): compile, call
#            the sub once, throw it away. Named subs capture the file-scope
#            lexicals of that one call, so closures, file-scope lexicals and
#            globals behave exactly as in a fresh process. After the request
#            every symbol the script created in main:: is deleted, as is
#            every package the script created (see PACKAGES below), and the
#            compilation is freed (free_compilation: its subs hold each
#            other); files it loaded with require "file.pl" (not
#            Module/Name.pm) are removed from %INC so that the next request
#            loads them again. Modules
#            (use Foo; require Foo::Bar) stay loaded: that is the speed-up;
#            not the application's own (see APPLICATION MODULES), which
#            are wiped and loaded again as the script's code is.
#   registry (the mod_perl Registry model): compile once, call the same sub
#            for every request. Fastest; the script's globals, closures over
#            file-scope lexicals, `state` variables, required libraries and
#            BEGIN-time work persist between requests, as under mod_perl.
#   auto     (default): registry while the script is provably unaffected by
#            it, else perlrun. Before compiling, the source is scanned for
#            what changes meaning when persisted: BEGIN/CHECK/INIT/UNITCHECK
#            blocks (not a BEGIN that only adds directories to @INC, nor
#            one for mod_perl only while MOD_PERL is unset), `state`
#            (variables and `state sub`),
#            require of a file (not `do FILE`, which runs every time
#            anyway), m?? and reset (not a quoted 'reset', a form's
#            type="reset"), /o regexes, a `use constant` or `use if` that
#            computes at compile time what a new process could find
#            otherwise (%ENV, a file, a file test, the time: anything but
#            literals, other constants, arithmetic and pure built-ins).
#            (The text, not only the compiled code: a string eval's code,
#            subs added to other packages, lexical subs and formats are
#            code B does not show below.)
#            A format the text declares that the compilation did not make
#            (a string eval's, made at run time over that run's lexicals)
#            makes it perlrun too (runtime_format).
#            After compiling, B inspects the main code, every named sub and
#            END block of the script and the anonymous subs they make: one
#            that captures a file-scope lexical (perl's "Variable will not
#            stay shared") or holds a `state` variable makes it perlrun, as
#            does code that keeps state in its ops (a flip-flop, a glob in
#            scalar context, m??, reset, a /o regex whose pattern
#            interpolates, whatever its delimiters; a closure's flip-flop
#            is its clone's) or requires a file, and a `my` that may not
#            run while its variable stays in sight (under a condition,
#            compiled away with a constant one, or jumped past by a goto:
#            the variable keeps the last call's value). After each registry request the script's
#            package variables (scalars, arrays, hashes, deep fingerprint),
#            its subs (and whether they are defined, for a source that
#            says `undef &name`; whether those declared without a body
#            got one) and its symbol tables are compared with
#            their state right after compilation: any change, e.g. `our @seen; push
#            @seen, 1`, switches to perlrun from the next request on, with
#            one line on stderr saying why ("menshen-runner: x.pl: switching
#            to perlrun: package variable @main::seen changed"). That first
#            request was still right: it ran on a fresh compilation.
#            Registry with restore: before that comparison, the script's
#            package variables that held plain data right after compiling
#            (usually undef or empty: `our $x = 5` assigns at run time) are
#            put back to that state, and plain variables the request
#            created (symbolic refs) are deleted, so legacy scripts that
#            assign globals at file scope ($DATAFILE = ...; @rows = ())
#            stay in registry; logged once as "registry: compiled once;
#            package variables restored before each request". Freeing plain
#            data runs no code, so restoring after the answer equals a fresh
#            compilation before the next request. Objects, code refs, globs,
#            tied or magical variables, weak refs and cycles are left alone:
#            the comparison sees them and switches to perlrun as before
#            (details at registry_snapshot). scripts/report.pl, `menshen
#            bench --concurrency 8`: before 237 req/s (perlrun from the
#            2nd request, 11x CGI), after 448 req/s (20.8x CGI; restore and
#            check about 0.2 of its 4 ms); hello.pl 8.1k req/s, unchanged.
#
# PACKAGES. A package created during a perlrun request belongs to the script
# (and is deleted afterwards) when its subs were compiled from the script, a
# required file or a string eval, or when it has no subs and the script's
# source names it or a library the script loaded made names in it (a file
# %INC lists under a name that is no Module/Name.pm, require "lib.pl" or
# do FILE: a Perl 4 library's package, whose entry points are `sub
# main'name`, has no sub; lib_made); otherwise (a module's file is in %INC,
# or its subs come from a module file) it belongs to a module and stays.
# Not an application module's (APPLICATION MODULES): a package of
# variables alone that one declares or made names in, or that lies inside
# its package, is the script's. A package holding an XS sub a shared
# object made in it (BackupPC::XS::Lib) is the module's whoever names it,
# unless the script or an application module declares it: the object is
# bootstrapped once per process (xs_made_in).
# (An %INC entry naming the script itself, the inline-module idiom
# `$INC{'My/Store.pm'} = __FILE__`, makes no module: the package is the
# script's.)
# Deleting a package closes its handles, releasing their locks.
#
# APPLICATION MODULES. A module (a Foo/Bar.pm entry of %INC) whose file's
# real path lies in the script's directory tree (the directory the runner
# starts in and the real one of the script file, and below: `use lib
# "$Bin/lib"`, `use lib '.'`, `use lib 'lib'`), or in a directory the
# script's compilation added to @INC (`use lib "$Bin/../lib"`, a lib
# beside the scripts': app_lib_roots), and not in one of perl's own
# @INC directories (PERL5LIB's too) nor in a CPAN install tree
# (cpan_tree) is the application's own code, not a library's: a new
# CGI process loads it afresh, so what it keeps (the logged-in user in a
# file-scoped `my $who` its subs set, an `our $who`) must not outlive the
# request. Under perlrun and auto its packages are the script's
# (script_owned; module_file_set leaves its file out). perlrun wipes them
# after each request as the script's own (their objects destroyed first,
# their @ISA, imports and subs gone; the CPAN modules they use stay) and
# drops their %INC entries (drop_libs), so the next compilation loads them
# again. auto keeps them loaded with the compilation: their package
# variables are restored, fingerprinted and compared as the script's; and
# the file-scope lexicals their named subs capture (B: the OUTER pad
# names), those subs' `state` variables and the captures of the closures
# the module keeps (in those lexicals, in its package variables), and the
# lines read from its __DATA__ section, are
# fingerprinted after compiling (app_lexicals) and compared
# after each request: a change switches to perlrun ("switching to perlrun:
# module My::Auth (lib/My/Auth.pm) keeps request data in $who"), which
# deletes them and their %INC entries. A module that only reads what it
# built as it loaded (a configuration hash, constants) stays registry.
# registry leaves them loaded, as every module (mod_perl). Cost: none for
# scripts without such modules (one array test per auto request); the
# answer for each file in %INC is kept (app_file).
# What such a module's source names counts as named by the script's
# source (app_scan reads each once, after the compilation that loaded
# it): the packages (its CGI.pm import_names('Q') and the $Q::name it
# reads: Q is the script's) and the other modules' globals, which are
# watched (its `$CGI::POST_MAX = ...`, WATCHED GLOBALS). Cost: a key
# count of %INC per compilation.
#
# WATCHED GLOBALS. Module configuration globals that scripts commonly set
# ($Data::Dumper::Indent, Sortkeys, Terse, Useqq..., $Carp::Verbose,
# CarpLevel, MaxArgLen..., $Storable::canonical, $Text::Wrap::columns...,
# @CGI::Carp::WARNINGS), plus every $Pkg::var, @Pkg::var and %Pkg::var that
# the script's source names for a package it does not declare itself (also
# as $Pkg'var, or through a symbolic reference to a literal name,
# ${"Pkg::var"}), or that the script imported under a name its source
# gives (watch_imports), are saved after compilation and restored after
# every request, in every mode. One the source names that is not there after
# compilation (a symbolic reference makes its variable as it runs) is
# emptied again after every request, as a new process has none
# (snapshot_watched).
# perlrun's compilation of each request starts from each one's first value
# (before the first compilation, or right after the compilation that loaded
# its module; CGI::Carp's switches from their known unset state), and from
# %SIG without the handlers compiled from the script (compile_sigs): what
# one request's BEGIN set must not stay for the next.
# (A global that the compilation loading its module sets in a BEGIN right
# after the `use` keeps that first value.)
# A scalar of a module a request loads at run time (a `require` inside a
# sub, a DBI driver), saved empty before the module existed, or any
# variable of it saved absent, is restored to what the module sets as it
# loads, which a new perl is asked once
# (restore_watched, load_values); a tied one is the module's. A package's
# module is Pkg.pm, or the module file that compiled its subs (a second
# package of that file, Menshen::FailMulti::Util: module_made_key), or,
# for a package of variables alone, the module of a name enclosing it
# whose code declares it (Foo.pm's `package Foo::Codes`:
# declaring_module). The same
# under registry for a variable, saved empty or absent, that holds
# something after a request whose run loaded a Perl 4 library (no module
# file: `require "./datelib.pl"` filling its `package datelib`), which
# registry never loads again: emptied, the library's tables were gone for
# good. The new perl loads the libraries that request loaded (new_libs);
# nothing is looked at while %INC keeps its size. A glob the source
# names (`*Text::Wrap::wrap = sub`, or `sub Text::Wrap::helper` in its
# text, a string eval's code too) has its sub saved and put back; a sub
# added to one that had none (`*CGI::debug_dump = sub`) is removed.
# DBI's cached connections: see end_dbi. Other module state persists
# between requests, as under mod_perl (not the application's own
# modules': APPLICATION MODULES).
#
# =============================================================================
# PERSISTENCE PITFALLS (ANCHORS section 3) AND WHAT MENSHEN DOES
# =============================================================================
#
# exit()             CORE::GLOBAL::exit is installed before the script or any
#                    module it uses is compiled. exit unwinds with
#                    `last MENSHEN_REQ`, which leaves through the script's
#                    subs AND its eval {} blocks (exit cannot be swallowed by
#                    an eval, as in a real process); where a label cannot be
#                    reached (sort blocks, signal, __DIE__ and __WARN__
#                    handlers, tie, overload and DESTROY code, BEGIN blocks:
#                    perl runs them on a stack of their own) it dies with a
#                    Menshen::Runner::Exit object instead, and exit_rethrow
#                    dies again right after any eval of the script that
#                    caught it (a signal to itself, delivered at perl's next
#                    statement), until the runner has it (one still pending
#                    because the script blocks signals is dropped after the
#                    request: IGNORE discards it). In a BEGIN block of code
#                    compiled as the script runs (a string eval's, a
#                    required file's, do FILE's, an import's through
#                    `eval "use Foo"`), perl makes that die a "BEGIN
#                    failed" message: what dies there is a plain hash,
#                    which perl can stringify without running Perl code,
#                    and the Exit follows right after the eval,
#                    require or do that failed (see exit_override). Output
#                    after exit never appears; END blocks run; the next
#                    request is unaffected. In a child the script forked,
#                    exit flushes STDOUT/STDERR and POSIX::_exit()s: the child
#                    never returns into the runner. CORE::exit and
#                    POSIX::_exit end the worker (Classify sends scripts that
#                    use them to per-request CGI); if one happens anyway, the
#                    runner's END block still completes the request so the
#                    client gets its answer, and the gateway starts a new
#                    worker.
# "will not stay     perlrun: impossible (one call per compilation). registry:
#  shared"           as under mod_perl. auto: detected with B, -> perlrun. The
#                    warning itself, which a script file never gets for its
#                    file-scope lexicals, must not be heard (FATAL warnings
#                    make it a compile error; a BEGIN-time __WARN__ handler
#                    or CGI::Carp's warningsToBrowser would show it), and
#                    the real ones must (a named sub inside a named sub):
#                    closure_noise tells them apart as perl warns, by
#                    whether the wrapper's pad (wrapper_begun) has the
#                    variable in scope. It runs in the compile filter
#                    (-w, v5.36), in STDERR's layer (`use warnings`, no
#                    handler), and in next_part's wrapping of a handler
#                    installed as the script compiles. `use warnings`
#                    in the script's scopes keeps 'closure' on but not
#                    FATAL (warnings_import; a mark in %^H), and a real
#                    one under FATAL dies from the filter, as perl's.
#                    Cost: a real one whose variable's name is also a
#                    file-scope lexical in scope is dropped; a run-time
#                    "is not available" under FATAL only warns; scripts
#                    that install a handler on the line of a named sub,
#                    or in a BEGIN block inside one, still see the
#                    wrapper's message.
# globals leaking    perlrun: main:: symbols and packages the script created
#                    are deleted after each request; required libraries are
#                    re-required; subs it defined in packages that stay
#                    (sub UNIVERSAL::x) are undefined (undef_script_subs).
#                    registry: persist. auto: change detected, -> perlrun
#                    (also in a package the script only calls into, filled
#                    by do FILE, and an %INC entry no file made). `each`
#                    iterators of package hashes go with the hash.
# interpreter        $^A $: $^L $^I $^F $^O $^X $^R $^P, and the C locale
#  state             (set by the script, a library or a module), are put
#                    back after every request (restore_interpreter); the
#                    signal mask too, whatever changed it (the script, a
#                    library, a module: restore_sigmask), the signals it
#                    left pending discarded first, as a process's exit
#                    loses them. The %INC entries of loaded modules that
#                    the script's run deleted are put back (restore_inc: a
#                    later require would load the module over itself). A
#                    script starts where no regex matched and no stat was
#                    done; a glob assignment to STDIN/STDOUT/STDERR is
#                    undone (restore_std_globs).
# handles            Bareword handles the script opens (close_named_handles)
#                    and dups of STDOUT in its variables are closed after
#                    each request, STDOUT flushed first, as a process exit
#                    does; under registry those its one compilation opened
#                    stay (%REG_OPEN_IO). A dup of STDOUT from an earlier
#                    request writes nowhere.
# __END__/__DATA__   The data section is found by a scan of the source (POD
#                    and here-docs are skipped; a << inside a string starts
#                    none; the token may follow a statement on its line) and
#                    PKG::DATA is re-opened on the script file at that
#                    offset after every compilation, PKG being the package
#                    in effect where the code ends (__PACKAGE__ there, taken
#                    by a BEGIN appended to the code) (a real file handle:
#                    tell, seek DATA,0,0 and fileno work; :utf8 under `use
#                    utf8`). A line holding only __END__ inside a
#                    multi-line string is taken for the end (README).
# BEGIN/END/         BEGIN (and `use`) run at each compilation: every request
#  CHECK/INIT        in perlrun, once in registry (auto: a BEGIN block means
#                    perlrun). END blocks compiled from the script are taken
#                    out of perl's END list (B::end_av), so they never
#                    accumulate, and run at the end of every request, last
#                    defined first, with $? = the exit status, which they may
#                    change; their output reaches the client; one that dies
#                    is reported as perl does and the others still run. END
#                    blocks of
#                    modules stay in perl's list and run when the worker
#                    exits. CHECK and INIT blocks of the script never run (too
#                    late, as in any string-compiled code): Classify sends
#                    such scripts to per-request CGI.
# %ENV               Cleared and filled with exactly the request's params;
#                    nothing from the runner's environment or an earlier
#                    request. Children see the same (environ follows %ENV).
# STDIN/STDOUT       Real file descriptors 0/1/2 per request (see DESIGN), so
#                    system(), exec'd programs, XS code and dup tricks keep
#                    working: their fd-1 output is captured in order, not
#                    streamed, except system()'s in package main (the
#                    runner's system, imported there, reads its program's
#                    output while it runs; an overridden system has no
#                    indirect object form, `system { PROG } LIST` or
#                    `system $prog LIST`: Classify sends such scripts to
#                    CGI). `<>`, `<ARGV>` and eof() read the body from
#                    STDIN in every request (ARGV reset, see reset_argv).
#                    ARGV and ARGVOUT are perl's own globs (perl points to
#                    them from C): they exist before the script and are
#                    never deleted or reported as the script's symbols.
# CGI.pm globals     CGI::initialize_globals() before each compilation
#                    (perlrun) or each call (registry), so the default object
#                    $CGI::Q and the parsed params never leak. The
#                    pragmas of `use CGI qw(-nosticky ...)` hold in every
#                    registry request (cgi_pragmas; under mod_perl they are
#                    lost after the first request).
#                    CGI::Carp's carpout() (STDERR to the script's own
#                    log file), like any reopen of STDERR, is followed
#                    for the request that does it (see DESIGN 4): each
#                    request starts with fd 2 the gateway's pipe again,
#                    so in registry a carpout in a BEGIN block holds for
#                    the first request only, and the warnings of the
#                    others reach the gateway's log.
# chdir              Into the script's directory before every request, as CGI
#                    (C20) does: relative opens and `use lib '.'` work.
# @ARGV/$0           @ARGV empty; $0 the script path (the query is never
#                    argv: CVE-2012-1823). The top level's @_ is @ARGV, so
#                    a bare shift/pop there takes from @ARGV as in a main
#                    program.
# use lib/@INC/      @INC is restored after each request (so runtime
#  require           `push @INC` does not accumulate; `use lib` is re-applied
#                    by each compilation in perlrun and kept in registry).
#                    `require "lib.pl"`: re-loaded every request in perlrun
#                    (CGI semantics); loaded once in registry (mod_perl
#                    semantics; auto -> perlrun). There is one script per
#                    worker, so two scripts' "lib.pl" can never collide.
#                    Changed modules are not reloaded: the gateway replaces a
#                    script's workers when the script changes (C31); a module
#                    change needs a worker recycle (--max-requests) or a
#                    mode toggle.
# Signal handlers    %SIG is restored after every request to its state after
#                    the script's compilation (so a module's load-time
#                    handlers, e.g. CGI::Carp's __WARN__, stay as in CGI);
#                    alarm(0), and Time::HiRes's CPU-time timers stopped,
#                    as a process's exit ends them; the signal mask put
#                    back, and what it held back discarded (a SIGPIPE, a
#                    timer's signal, one the script sent itself: it would
#                    kill the worker once unblocked; restore_sigmask).
#                    While a script that
#                    names signals (SIG, kill, sigtrap, sigaction) runs,
#                    %SIG is what a fresh process has: $SIG{TERM} undef
#                    (the default: a TERM, `kill TERM => $$` included, ends
#                    the worker as it ends a CGI process) unless the script
#                    (or, in registry, its compilation) sets it; the
#                    runner's TERM handler is back before the answer
#                    leaves. Other scripts keep the
#                    runner's handler (six syscalls a request saved): they
#                    cannot see it, but a module reading $SIG{TERM} would,
#                    and an outside TERM ends the worker after the request. A signal arriving between
#                    requests is handled by the runner (TERM: exit 0). A
#                    script's TERM handler that swallows the gateway's stop
#                    signal leaves the worker to SIGKILL after the grace.
# CORE::GLOBAL::     An override of a builtin made at run time
#                    (`*{"CORE::GLOBAL::time"} = sub { 42 }`: perl reaches
#                    it from all code compiled later) would hold for every
#                    later request; put back after each request
#                    (cg_restore), as the request found it. See the
#                    comment at cg_restore for modules' overrides and the
#                    worker that retires. perl's warning that a script
#                    replaced the runner's own exit ("Prototype mismatch:
#                    sub CORE::GLOBAL::exit (;$) vs none"), which a new
#                    process has no reason to print, is dropped (cg_noise).
# fork               Works: a forked child writes straight to fd 1 (captured),
#                    never onto the FastCGI connection, which fork closes in
#                    the child along with the listener; when the child exits
#                    or falls off the end of the script it POSIX::_exit()s
#                    instead of returning into the runner. END blocks do not
#                    run in children. Classify still sends scripts that fork
#                    to per-request CGI.
# background         What the script leaves running (`cmd &` in backticks
#  processes         or system, a forked child) is killed before the answer
#                    ends, as cgi mode kills the script's group: end_kids,
#                    after a request that forked, once END blocks and
#                    DESTROY are done. A process still holding stdout (the
#                    capture file at its fd 1) first gets up to 500 ms to
#                    finish writing, its output reaching this answer, as in
#                    cgi mode (lingerGrace); then every process of the
#                    runner's group or session (the gateway makes it lead
#                    one) but the runner gets SIGKILL, and the runner's
#                    own children are reaped. Found in /proc by their pgrp
#                    or session (fields 5 and 6 of /proc/PID/stat), among
#                    the pids allocated since the request's first fork.
#                    Escapes, as in cgi mode: a process that left the
#                    session (setsid).
#                    A runner not leading its group (or without /proc)
#                    kills nothing and says so at start. Not used:
#                    PR_SET_CHILD_SUBREAPER, which would let the script's
#                    wait() reap its orphans.
# exec               Emulated in package main (the runner's exec, imported
#                    there, where the script and the files it requires
#                    compile): it forks, the child execs, the runner waits
#                    and ends the request with the child's exit status (END
#                    blocks skipped, as exec skips them). The program's
#                    output is captured from fd 1 (not streamed). A failing
#                    exec returns false with $! set, as perl's does. Not
#                    overridden: exec in the script's other packages and in
#                    modules (an overridden exec has no indirect object
#                    form, which IPC::Run uses), where it would replace the
#                    worker: Classify sends every script that calls exec to
#                    CGI.
# binmode/utf8       A fresh STDOUT every request: a layer set by one request
#                    never reaches the next. `use open qw(:std ...)` at compile
#                    time is re-applied in perlrun; in registry the layers
#                    STDOUT/STDERR/STDIN had right after compiling are
#                    re-applied to every request's handles.
# Shebang switches   -w: the gateway runs `perl -w runner.pl` ($^W is global,
#                    exactly as `perl -w script`). -T/-t: the gateway runs
#                    `perl -T runner.pl` (-t likewise), and the runner is
#                    taint-clean: it untaints only its own argv (the script
#                    path, by one anchored regex), while what CGI taints
#                    stays tainted: every %ENV value (they are read from
#                    the socket; $ENV{PATH} too, so system/exec/backticks
#                    refuse it until the script sets a clean one), the body
#                    on STDIN, file and directory input, $0 (it carries the
#                    taint of our argv), $^X. Refused operations die at the
#                    script's line with perl's own message; an exec refused
#                    in the child the runner forks for it dies in the
#                    script too. A runner whose taint mode differs from the
#                    shebang logs it once. Others (-l -n -p -s -0 -a -i -x
#                    -C -M...) change how perl reads the file: Classify
#                    sends such scripts to CGI, and the runner refuses them.
# Resource leaks     Package filehandles are closed after each request (a
#                    library's package's too, see PACKAGES), and
#                    file-scope lexical handles are freed with the script's
#                    pad. Raw descriptors (POSIX::open) and /o regexes in
#                    module code are not reclaimed: --max-requests recycles
#                    workers. A module's handles are its state: a lock a
#                    module takes through one and leaves to the process's
#                    exit stays held by the idle worker (README).
# caller / $^S       A script's top level has no caller in CGI (modulinos:
#                    `main() unless caller`; CGI::Carp and Carp name the
#                    script): CORE::GLOBAL::caller, installed before any
#                    module loads, hides the runner's frames. The
#                    script runs inside the runner's eval, so perl's $^S is
#                    1 at its top level: $^S is replaced by a tied scalar
#                    that reads 0 there, as in a fresh process (`return if
#                    $^S` in a __DIE__ handler works; see install_dollar_s). CGI::Carp's
#                    ineval() is also patched to ignore the runner's frames
#                    (it asks Carp's longmess too), so fatalsToBrowser
#                    prints its page as under CGI.
# Timing             File-scope lexicals of the script are freed when its
#                    top level ends, before END blocks run (in a real process
#                    they live until global destruction, after END).
# DESTROY of         A CGI process destroys the objects its globals hold at
#  globals           global destruction, after the END blocks, still
#                    printing to STDOUT. perlrun: after the END blocks every
#                    reference to an object in the script's package
#                    variables is undefined (destruct_objects), before
#                    they are wiped: DESTROY runs while the answer is still
#                    open and the classes exist. auto: the same in a
#                    registry request, which then switches to perlrun.
#                    registry: objects persist, as under mod_perl. Not
#                    reproduced: the order among several objects (perl's
#                    arena order, not stable between processes either) and
#                    ${^GLOBAL_PHASE} ("RUN", not "DESTRUCT"); objects
#                    held only by module globals or leaked cycles live on.
#                    A module's variable the script imported ($DB_HASH
#                    from DB_File) is the module's state: left alone
#                    (module_import); a `use vars` one is the script's.
# $$                 The worker's pid, the same on every request it serves
#                    (as under mod_perl): a temp file named after $$ is
#                    the same file on the next request. Scripts that must
#                    have a fresh name per request use File::Temp.
# imported module    A module variable the script imported under a name its
#  variables         source gives (`use Text::Tabs; $tabstop = 4`) is a
#                    watched global (watch_imports): put back after every
#                    request, in every mode.
# return             A top-level `return` (outside any sub or eval) is a
#                    run-time error in a script file: the runner sees that
#                    the script's sub ended before its last statement and
#                    dies as perl does, "Can't return outside a subroutine
#                    at FILE line N." (returned_early), status 255, END
#                    blocks seeing it in $?. (A script whose source says
#                    `return` gets one hidden lexical at the top of its
#                    wrapper sub, which finds the line.)
# %INC, packages     Not hidden: a script that lists %INC or the symbol
#                    tables sees the modules the runner itself loads (B,
#                    POSIX, Socket, Scalar::Util... and Menshen::Runner)
#                    and those earlier requests loaded, as under mod_perl;
#                    `use`/`require` of them only imports. The runner never
#                    creates a package by naming it (CGI::, CGI::Carp:: stay
#                    absent until the script loads CGI; corpus stashes.pl).
# =============================================================================

package Menshen::Runner;

my %SIGIL = (S => '$', A => '@', H => '%');

# caller() as the script sees it: its top level has no caller, as in a CGI
# process (modulinos: `main() unless caller`; CGI::Carp and Carp name the
# script, not the runner). Installed first, so that every module compiled
# after it, Carp included, sees the same. The runner's call of the script
# and every frame beyond it are hidden; an END block is seen called as
# perl calls it, from line 0 of the script inside an eval; @DB::args still
# works for callers in package DB.
BEGIN {
    *CORE::GLOBAL::caller = sub (;$) {
        my $want = $_[0];
        my $lvl = (defined $want ? $want : 0) + 1;
        my @c;
        if ((CORE::caller(0))[0] eq 'DB') {
            package DB;
            @c = CORE::caller($lvl);
        } else {
            @c = CORE::caller($lvl);
        }
        return unless @c;
        if ($Menshen::Runner::IN_SCRIPT) {
            # At or beyond the call of the script (or of its END blocks)?
            for my $j (1 .. $lvl) {
                my @f = CORE::caller($j);
                last unless @f;
                next unless $f[0] eq 'Menshen::Runner';
                if ($f[3] =~ /::END\z/) {
                    # perl calls an END block from line 0 of the script,
                    # inside an eval: two frames a logger or Carp names.
                    return if $lvl - $j > 1;
                    @c = ('main', $Menshen::Runner::SCRIPT, 0, @f[3 .. $#f]);
                    @c[3 .. 6] = ('(eval)', 0, undef, undef) if $lvl > $j;
                    last;
                }
                return if $f[3] =~ /^Menshen::Runner::Compiled::/
                    # (or of its compilation: BEGIN blocks, `use`)
                    || $f[3] eq '(eval)' && ($f[6] // '') eq 'Menshen/Runner/Script.pl';
            }
        }
        return $c[0] unless wantarray;
        return @c if defined $want;
        return @c[0 .. 2];
    };
}

use strict;
use warnings;
no warnings 'once';

use B ();
use Errno ();
use Fcntl ();
use POSIX ();
use Scalar::Util ();
use Sub::Util ();
use Socket ();
use IO::Handle ();
use PerlIO::via ();
# (Loaded now: the end of a request resets $. through an in-memory handle,
# whose layer would otherwise load there, where a -T script's taint
# checks refuse the require and end the worker.)
use PerlIO::scalar ();

use constant {
    FCGI_VERSION_1       => 1,
    FCGI_BEGIN_REQUEST   => 1,
    FCGI_ABORT_REQUEST   => 2,
    FCGI_END_REQUEST     => 3,
    FCGI_PARAMS          => 4,
    FCGI_STDIN           => 5,
    FCGI_STDOUT          => 6,
    FCGI_STDERR          => 7,
    FCGI_DATA            => 8,
    FCGI_GET_VALUES      => 9,
    FCGI_GET_VALUES_RESULT => 10,
    FCGI_UNKNOWN_TYPE    => 11,
    FCGI_KEEP_CONN       => 1,
    ENV_BLOCK            => 1,        # BEGIN_REQUEST's second reserved byte: the params are an environment block (env_block)
    FCGI_RESPONDER       => 1,
    FCGI_REQUEST_COMPLETE => 0,
    FCGI_CANT_MPX_CONN   => 1,
    FCGI_UNKNOWN_ROLE    => 3,
    MAX_CONTENT          => 65528,    # a multiple of 8: only the last record of a stream is padded
    BODY_IN_MEMORY       => 1 << 20,  # larger bodies spill to a temp file
    BODY_IN_PIPE         => 4096,     # at most PIPE_BUF: one write never blocks
    LINGER_POLLS         => 10,       # polls per 10 us of linger: a select with no timeout and a sched_yield take about a microsecond
};

my $MSG_NOSIGNAL = eval { Socket::MSG_NOSIGNAL() } || 0;

# ---------------------------------------------------------------------------
# Process-wide state. Only this single thread touches it.

our $PID;                 # the runner's pid: anything else is a forked child
our ($SCRIPT, $SCRIPT_DIR, $BASENAME, $ISOLATION, $MODE);
our $INITIAL_W;           # $^W as perl started (-w)
our $TAINTED = '';        # "", tainted under taint mode (perlsec)
our $TAINT_MODE = ${^TAINT}; # ${^TAINT} as perl started, read in a clean statement (see run_request)
our ($LISTEN, $LOG, $DEVNULL);
our $TMPDIR;              # --tmpdir: where temp files are made (temp_file)
our $O_TMPFILE;           # open(2)'s O_TMPFILE, 0 when not to be used
our $SINK;                # what the via layers of STDOUT/STDERR sit on (never written)
our ($IDLE_IN, $IDLE_OUT, $IDLE_ERR);   # the handles 0/1/2 have between requests
our $UMASK;
our %INTERP0;             # restore_interpreter's values, from the runner's start
our $SIGMASK0;            # the signal mask at start (a POSIX::SigSet), undef if unknown
our $SIGMASK_NR;          # rt_sigprocmask's system call number, 0: ask POSIX (sigmask_setup)
our ($MASK_NOW, $MASK_RAW0);   # the mask as asked after a request, and at start in that form
our @SIG_NUM_NAME;        # a name in %SIG of each signal number
our $NICE0;               # the priority at start, for scripts that may change it (restore_nice)
our $PROC_SETTING;        # a module setting of the process the script may change and no API puts back (retire_for_setting)
our @IDS0;                # a root worker's ids ($< $> $( $)) and root (dev, ino of /) at start (restore_ids)
our @ITIMERS;             # Time::HiRes's setitimer and the CPU-time timers it arms (disarm_itimers)
our @SUB_PKGS;            # packages the script may define subs in (undef_script_subs)
our @FH_GLOBS;            # [package, name] of the bareword handles the script opens
our $USE_V536;            # the script enables warnings by `use v5.36` (compile_script)
our $EXIT_SIGNED;         # the script writes `exit -N` or `exit +N` (warnings_import)
our $STDOUT_DUPS;         # the script's source dups a handle ('>&'): see run_request
our %SIG0;                # %SIG at start
our %SIG_BASE;            # %SIG after the script's compilation
our @SIG_NAMES;           # keys %SIG
our $SIG_STATE;           # sig_state() after restore_sig(\%SIG_BASE)
our $SIG_COMPILED;        # sig_state() of %SIG when %SIG_BASE was taken from it
our $SIG0_STATE;          # sig_state() of %SIG0
our $TERM = 0;            # SIGTERM seen
our $TERM_HANDLER;
our $SCRIPT_TERM;         # $SIG{TERM} as the script's last compilation left it
our $TERM_SCRIPT;         # the source names signals: SIGTERM is the script's while it runs
our %MAIN0;               # main:: names that existed before the script
our %MAIN0_HAD;           # addresses of the variables those names had then (main0_startup)
our @MAIN0_NAMED;         # those of them the source names with a sigil
our (@MAIN0_FILL, %MAIN0_FILL);   # [name, slot]: variables of those names a compilation made (main0_scan)
our %STASH_KEYS;          # known package => [its symbol table, number of names]
our @INC0;                # @INC before the script
our $SRC;                 # the script's source (bytes)
our ($CODE_SRC, $DATA_OFFSET, $DATA_PKG, $DATA_UTF8);
our $POD_CUT;             # the script's code ends in pod: the runner added a =cut
our @CODE_PARTS;          # $CODE_SRC in the pieces compile_script gives perl under -w (warn_parts)
our %DECLARED_PKG;        # packages the script's source declares (package NAME)
our %NAMED;               # package-qualified names the source mentions
our %RUN_STASHES;         # packages made since the registry's compilation (new_stashes)
our @WATCH;               # watched module globals: [package, [[sigil, name, named by the source]...], how many so named, its module file]
our @WATCH_FIRST;         # each watched global as first seen (note_first): what perlrun compiles from
our %WATCH_SEEN;          # refaddr of each global in @WATCH_FIRST
our %IMPORT_NAMES;        # "$name" etc.: the unqualified variables the source names (watch_imports)
our %SRC_FORMATS;         # auto: the formats the source's text declares, name => how many times (format_decls)
our $FORMAT_SLOT;         # auto: the source names a glob's FORMAT slot (*F = *G{FORMAT}): registry_changed
our $IMPORTS_INC = -1;    # keys %INC when watch_imports last looked
our @GOTO_CVS;            # [B::CV, own pad] of the script's subs that goto a label (op_hazard)
our %FOREACH_VARS;        # sub address => its foreach variables' pad slots (foreach_vars)

# Registry state.
our ($REG_SUB, @REG_END, %REG_MAIN, %REG_PKGS, %REG_FP, @REG_INC, %REG_LAYERS);
our $REG_PKGS_INC = -1;   # keys %INC at the last reg_pkgs_recheck
our $INC_SEEN = -1;       # keys %INC when forget_failed_loads last looked
our $MAY_FLOCK;           # the script or a file it loaded names flock (release_flocks)
our $FLOCK_INC = -1;      # keys %INC when flock_named last looked
our %FLOCK_READ;          # the files of %INC flock_named has read
our %MADE_TRIED;          # package => keys %INC when module_made_key last found no module for it
our %INC_MODS;            # the module entries of %INC as a script's run began (restore_inc)
our $INC_N = -1;          # keys %INC then
our %COMPILE_PKG;         # the packages the last compilation of the script made (script_owned)
our $REG_CGI;             # CGI.pm's pragma variables after the compilation (cgi_pragmas)
our (@REG_LIGHT, %REG_HEAVY, $REG_MAIN_COUNT, $REG_INC_COUNT, %REG_INC_KEYS);
our @REG_SCAN;    # [name, light] for each main:: name of the registry compilation
our $UNDEF_SUB;           # the source undefines a sub (undef &name)
our @REG_DEFINED;         # [name, sub, defined]: the registry compilation's stubs, and its subs if $UNDEF_SUB
our %REG_OPEN_IO;         # addresses of the IOs the registry's compilation left open
our ($REG_WATCHED, $REG_WATCHED_INC);   # the watched globals' snapshot, keys %INC then
our ($SNAP_ABSENT, $SNAP_INC);          # @WATCH's packages whose module was not loaded at the last snapshot, keys %INC then
our %REG_WATCHED_LIBS;    # the libraries (no Module/Name.pm) %INC held then

# CORE::GLOBAL:: (cg_restore).
our %CG_BASE0;            # name => [glob, sub]: the table as a perlrun request starts
our $CG_REG;              # the same as the registry's compilation left it
our %CG_INC;              # %INC's keys when $CG_REG was taken or last put back
our ($CG_SAME, $CG_KEYS); # does CORE::GLOBAL:: look like the table a request starts from, and that table's number of names (cg_base)
our %CG_OWN;              # name => the runner's own override (caller, exit, fork)

# Per request state.
our ($CONN, $CONN_DEAD, $REQ_ID, $RBUF, $ABORTED);
# $ANSWERED: the request's FCGI_END_REQUEST is sent. What the worker writes
# to STDERR after it (a DESTROY of an object a module global held, run as
# restore_watched puts the global back; the runner's own die) goes to fd 2,
# the worker's log, not onto the connection: a record after the end is
# no request's (the gateway then drops the line and the kept connection).
our $ANSWERED;
our $LINGER;              # poll for the next request before sleeping (see read_record)
# sched_yield's system call number where it is known (the linger yields
# between polls; without it, no linger).
our $SCHED_YIELD = { x86_64 => 24, aarch64 => 124, i686 => 158, i586 => 158, i486 => 158, i386 => 158 }->{ (POSIX::uname())[4] };
our $IN_SCRIPT = 0;       # script code (or its compilation) is running
our $OUT_SERIAL = 0;      # the request the STDOUT layer objects belong to (Menshen::Runner::Out)
our $OUT_LIVE = 0;        # handles of this request on the FCGI_STDOUT stream
our $OUT_OBJ;             # the installed STDOUT's layer object
our ($COLLECT_PUSHED, @OUT_PUSHED);   # layered_handle: the object its push made
our $EXIT_SIG;            # the signal exit_rethrow handles (RTMAX), undef if none
our $EXIT_THROW;          # the exit exit_rethrow carries out of the script's evals
our $EXIT_ARMED;          # exit_rethrow's handler was installed this request
our $OBJ_HELD;            # why auto must leave registry: a variable held an object
our $EXIT;                # [code] once exit was called
our $SKIP_END;            # exec ended the request: no END blocks
our ($OUT_DONE, $OUT_SENT, $ERR_SENT, $OUT_OFF);
our $FD1;                 # a handle on fd 1 (whatever it is), never closed
our $FD1_STAT;            # [dev, ino, size] of fd 1 at the last drain while finishing
our $OUT_CAPTURE;         # fd 1 is this request's capture file
our ($CAP_ID, $CAP_FORKS, $CAP_READY);   # the capture file's "dev ino", $FORKS when made; ready for the next request
our $FSTAT_SIZE = 0;      # where fstat's buffer has st_size (0: not known, drain_fd1 asks lseek)
our ($FSTAT_NR, $FSTAT_BUF, $CAP_RAW);   # fstat's system call number (0: none), its buffer, the capture's dev and ino as it fills them (fd1_taken)
our $FORKS = 0;           # flush-alls seen by the fork sentinel (see new_capture)
our $FORK_SENTINEL;       # a handle only perl's flush-all ever flushes
our $MEMFD;               # the memfd_create syscall number, 0 if none
our $QUEUE = '';          # records to write before anything else
our $FINISHING;           # the script is done: output is queued, not sent
our $FD1_DRAINED;         # fd 1 was drained since FINISHING was set
our $JUST_SENT;           # stdout_write sent a record: its layer's FLUSH comes next
our ($POLL_WRITES, $POLL_TIME) = (0, 0);    # stdout writes since poll_abort looked, and when it did
our $STDIN_FH;            # an in-memory body's handle (no fd 0)
# The request's handles: kept between requests while they are as new
# (KEEP, strong), watched during a request (CUR, weak: a script that
# replaces one frees it as in a real process); SIG: their state when new.
our ($KEEP_OUT, $KEEP_ERR, $CUR_OUT, $CUR_ERR, $SIG_IN, $SIG_OUT, $SIG_ERR);
our $IN_FRESH = 1;        # $IDLE_IN was made new since the last request
our ($PLAIN_OUT, $PLAIN_ERR);   # SIG_OUT/ERR before the registry's `use open` layers (apply_layers)
our @FRESH;               # the standard handles made new for this request
our ($OUT_WROTE, $ERR_WROTE);   # STDOUT's, STDERR's :perlio layer wrote to the via layer (tell() moved)
our $REQ_FORKS = -1;      # $FORKS when the request began
our $KIDS;                # the runner leads its process group and /proc is its own: end_kids can work
our $PID_MARK;            # the last pid allocated before the request's first fork (end_kids)
our ($DEVNULL_FD, $LOG_FD);
our $LOG_LINK;            # what /proc/self/fd says of the gateway's pipe (fd_taken)
our $LOG_FL;              # the gateway's pipe's file status flags at start (reset_fds)
our $FD2_ASKED;           # STDERR's descriptor was asked this request: fd 2 may have been reopened
our @SYS_OUT;             # [handle, "pipe:[ino]"] of system() output pipes a process may still hold

# ---------------------------------------------------------------------------
# Logging: the gateway tags our stderr lines with the worker.

sub logmsg {
    my $msg = join '', @_;
    $msg =~ s/\n*\z/\n/;
    # (A variable named with a control character, ${^_NAME}, is named
    # with ^_ instead.)
    $msg =~ s/([\x00-\x09\x0b-\x1f])/'^' . chr(ord($1) + 64)/ge;
    if ($LOG) {
        syswrite $LOG, "menshen-runner: $BASENAME: $msg";
    } else {
        syswrite STDERR, "menshen-runner: " . ($BASENAME // '?') . ": $msg";
    }
}

# ---------------------------------------------------------------------------
# FastCGI I/O on the current connection.

# conn_write writes buf, after the queued records, on the connection.
sub conn_write {
    my ($buf) = @_;
    if (length $QUEUE) {
        $buf = $QUEUE . $buf;
        $QUEUE = '';
    }
    return if $CONN_DEAD || !$CONN;
    my $off = 0;
    my $len = length $buf;
    while ($off < $len) {
        my $n = send($CONN, substr($buf, $off), $MSG_NOSIGNAL);
        if (!defined $n) {
            next if $!{EINTR};
            $CONN_DEAD = 1;
            return;
        }
        $off += $n;
    }
}

sub record {
    my ($type, $id, $content) = @_;
    my $len = length $content;
    my $pad = -$len & 7;
    return pack('CCnnCx', FCGI_VERSION_1, $type, $id, $len, $pad) . $content . ("\0" x $pad);
}

# send_stream sends bytes as records of one stream type, split as needed:
# at once, or (while the request is finishing) queued, so that the last
# output, the stream ends and FCGI_END_REQUEST leave in one write.
sub send_stream {
    my ($type, $bytes) = @_;
    return if $ABORTED || !defined $REQ_ID || $ANSWERED;
    utf8::downgrade($bytes, 1) or utf8::encode($bytes);
    my $len = length $bytes;
    if ($len <= MAX_CONTENT) {
        my $pad = -$len & 7;
        $QUEUE .= pack('CCnnCx', FCGI_VERSION_1, $type, $REQ_ID, $len, $pad) . $bytes . ("\0" x $pad) if $len;
    } else {
        for (my $off = 0; $off < $len; $off += MAX_CONTENT) {
            $QUEUE .= record($type, $REQ_ID, substr($bytes, $off, MAX_CONTENT));
        }
    }
    conn_write('') if !$FINISHING || length($QUEUE) >= MAX_CONTENT;
}

# release_flocks releases the flock(2) locks on the files open in the
# worker once the script has run: a CGI process's exit releases them, and
# a module that keeps its lock in a file-scope lexical and leaves it to
# that exit (IkiWiki.pm's $wikilock) made every other process of the
# application wait while the worker was idle (a cron job's refresh, a
# cgi-mode request, the pool's next worker). The files stay open, as the
# module left them: the lock is released through a dup of the descriptor
# (a flock belongs to the open file, which the dup shares). The runner's
# own files hold no lock. Only for a script whose source, or a file it
# loaded, names flock (flock_named): the look at /proc costs.
#
# Not fcntl locks (lockf, File::FcntlLock): those of a connection that
# stays open are its own (SQLite's, in WAL mode, for as long as the
# connection lives), and closing any descriptor of a file releases them
# all: so the dup is not closed on a file where the worker holds one,
# which keeps its flock too. /proc/locks names the locks by device and
# inode; the worker's descriptors are looked at only when there is a
# flock it holds no fcntl lock beside.
sub release_flocks {
    open(my $l, '<', '/proc/locks') or return;
    # (Whatever the script left in $/.)
    my $all = do { local $/; <$l> } // return;
    close $l;
    my (%flock, %posix);
    # 1: FLOCK  ADVISORY  WRITE 1234 fe:00:5678 0 EOF
    while ($all =~ /^\d+:\s+(FLOCK|POSIX)\s+\S+\s+\S+\s+(\d+)\s+([0-9a-f]+:[0-9a-f]+:\d+)\s/mg) {
        # (A flock by any pid: one belongs to the open file, and the
        # pid /proc/locks names is the one that took it, perhaps a child
        # the request forked on a shared handle, gone since; unlocking
        # through the worker's own descriptor releases only the worker's.
        # An fcntl lock is the process's: the worker's own alone.)
        if ($1 eq 'FLOCK') { $flock{$3} = 1 } elsif ($2 == $$) { $posix{$3} = 1 }
    }
    delete @flock{ keys %posix };
    return if !%flock;
    opendir(my $d, '/proc/self/fd') or return;
    # (The capture: untainted under -T.)
    my @fds = map { /\A(\d+)\z/ && $1 > 2 ? $1 : () } readdir $d;
    closedir $d;
    for my $fd (@fds) {
        my ($dev, $ino) = stat("/proc/self/fd/$fd") or next;
        # (The device as the kernel prints it: major:minor in hex.)
        next if !$flock{ sprintf('%02x:%02x:%d', ($dev >> 8) & 0xfff, ($dev & 0xff) | (($dev >> 12) & 0xfff00), $ino) };
        my $dup = POSIX::dup($fd) // next;
        if (open(my $h, '<&=', $dup)) {
            flock($h, Fcntl::LOCK_UN());
            close $h;
        } else {
            POSIX::close($dup);
        }
    }
}

# flock_named tells whether a file the script loaded since the last look
# (%INC grew past its largest: perlrun takes the application's modules
# out and loads them again on every request) names flock, and then sets
# $MAY_FLOCK. Each file is read once in a worker's life.
sub flock_named {
    $FLOCK_INC = scalar keys %INC;
    for my $f (values %INC) {
        next if !defined $f || ref $f || $FLOCK_READ{$f}++;
        open(my $fh, '<:raw', $f) or next;
        local $/;
        my $src = <$fh>;
        # (The word: Config_heavy.pl, which %Config loads, has d_flock.)
        return $MAY_FLOCK = 1 if defined $src && $src =~ /\bflock\b/;
    }
    return 0;
}

sub end_request {
    my ($id, $app, $proto) = @_;
    # (record's header for the 8 bytes of the body, inline: one call less
    # on every request.)
    conn_write(pack('CCnnCxNCx3', FCGI_VERSION_1, FCGI_END_REQUEST, $id, 8, 0, $app & 0xffffffff, $proto));
}

# read_record returns (type, id, content), or () at EOF or error.
sub read_record {
    while (1) {
        if (length($RBUF) >= 8) {
            # The header (version, type, id, content and padding lengths)
            # by ord and vec, cheaper than an unpack: the record starts at
            # offset 0, and vec reads 16 bits big-endian, as FastCGI has them.
            return if ord($RBUF) != FCGI_VERSION_1;   # not FastCGI: drop the connection
            my $len = vec($RBUF, 2, 16);
            my $end = 8 + $len + vec($RBUF, 6, 8);
            if (length($RBUF) >= $end) {
                my ($type, $id, $content) = (vec($RBUF, 1, 8), vec($RBUF, 1, 16), substr($RBUF, 8, $len));
                substr($RBUF, 0, $end, '');
                return ($type, $id, $content);
            }
        }
        if ($LINGER) {
            # The gateway had processors to spare when it sent the last
            # request, and asked for this many tens of microseconds of
            # polling (a reserved byte of its FCGI_BeginRequestBody): the
            # next request is read by a process still running rather than
            # woken, which at low load is a good part of a quick request's
            # time. Between polls the processor goes to whatever else is
            # ready to run (sched_yield; the client reading the answer).
            # Then sleep.
            if ($SCHED_YIELD) {
                my $rin = '';
                vec($rin, fileno($CONN), 1) = 1;
                for (1 .. $LINGER * LINGER_POLLS) {
                    last if select(my $rout = $rin, undef, undef, 0);
                    syscall($SCHED_YIELD);
                }
            }
            $LINGER = 0;
        }
        # A SIGTERM that came since the request ended (its handler runs
        # between ops) is seen here, not after a read that may wait for
        # ever on a kept connection. One that comes in the few
        # instructions between this look and the read's system call
        # (a process preempted there, on a loaded machine) is seen when
        # the read gives up, within a second (wake_each_second).
        return if $TERM && $_[0] && $RBUF eq '';
        my $n = sysread($CONN, $RBUF, 65536, length $RBUF);
        if (!defined $n) {
            # SIGTERM while idle ends the connection; within a request's
            # records, the request is read and served first.
            if ($!{EINTR} || $!{EAGAIN}) {
                return if $TERM && $_[0] && $RBUF eq '';
                next;
            }
            return;
        }
        return if $n == 0;
    }
}

# wake_each_second makes a blocking accept or read of the socket $_[0]
# give up (EAGAIN) after a second with nothing to take (SO_RCVTIMEO; Linux
# honours it in accept too, and a Unix socket's accepted connection does
# not inherit it: each is set). The loops that wait then look at $TERM and
# wait again: a SIGTERM whose handler was still pending when the system
# call began ends the idle worker within a second, not when the gateway
# closes the socket. An idle worker wakes once a second for it.
sub wake_each_second {
    setsockopt($_[0], Socket::SOL_SOCKET(), Socket::SO_RCVTIMEO(), pack('l!l!', 1, 0))
        or logmsg("SO_RCVTIMEO: $!: a SIGTERM that comes just before a wait is seen only when the wait ends");
}

# poll_abort looks, without blocking, for an FCGI_ABORT_REQUEST of the running
# request or the end of the connection. Other records stay buffered.
sub poll_abort {
    # (Only stdout_write calls it, in the runner itself: it checked $$.)
    return if $ABORTED || $CONN_DEAD || !$CONN;
    my $rin = '';
    vec($rin, fileno($CONN), 1) = 1;
    my $n = select(my $rout = $rin, undef, undef, 0);
    return unless $n && $n > 0;
    my $got = sysread($CONN, $RBUF, 65536, length $RBUF);
    if (defined $got && $got == 0) {
        $CONN_DEAD = 1;
        $ABORTED = 1;
        return;
    }
    my $off = 0;
    while (length($RBUF) - $off >= 8) {
        my (undef, $type, $id, $len, $pad) = unpack('CCnnC', substr($RBUF, $off, 8));
        last if length($RBUF) - $off < 8 + $len + $pad;
        if ($type == FCGI_ABORT_REQUEST && defined $REQ_ID && $id == $REQ_ID) {
            substr($RBUF, $off, 8 + $len + $pad, '');
            end_request($REQ_ID, 0, FCGI_REQUEST_COMPLETE);
            $ABORTED = 1;
            return;
        }
        $off += 8 + $len + $pad;
    }
}

# ---------------------------------------------------------------------------
# The request's output streams.

# fd1_taken tells whether the script has put something else than the
# capture file on fd 1: perl reopens a standard handle (open(STDOUT, '>',
# $file), in a library too, through a glob reference, or POSIX::dup2) by
# a dup2 onto its descriptor and keeps the handle, the runner's layers
# included. The file on fd 1 is the capture when its device and inode are
# the capture's: fstat itself into a preallocated buffer (one system call,
# as the F_GETFL it replaces; no stat cache touched), where its number and
# layout are known (capture_made checks them). An access mode alone took
# a read-write reopen (open(STDOUT, '+>', $file)) for the capture, and
# what the script printed went into the page instead of the file.
# Elsewhere a file not open read-write is the script's at once, and one
# that is costs POSIX::fstat.
sub fd1_taken {
    return syscall($FSTAT_NR, 1, $FSTAT_BUF) == 0 && substr($FSTAT_BUF, 0, 16) ne $CAP_RAW if $FSTAT_NR;
    my $fl = fcntl($FD1, Fcntl::F_GETFL(), 0);
    return 0 unless defined $fl;
    return 1 if ($fl & Fcntl::O_ACCMODE()) != Fcntl::O_RDWR();
    my ($dev, $ino) = POSIX::fstat(1);
    return defined $ino && defined $CAP_ID && "$dev $ino" ne $CAP_ID;
}

# drain_fd1 sends what reached fd 1 directly (syswrite, children) since the
# last call: it was written before anything perl still buffers.
# While the script runs, it neither stats fd 1 (-s would set the script's
# stat cache: `-e $f; print ...; -s _`) nor sysseeks it (that would make
# $FD1 the last-read handle, and $. read 0): lseek to the end tells the
# size and leaves the offset where it was, at the end (what reached fd 1
# was read to its end), and lseek to what is new puts it there for sysread.
# (Corpus stat_cache_print.pl.) A true argument says the caller has
# just found fd 1 to be the capture (fd1_taken, a system call).
sub drain_fd1 {
    return unless $OUT_CAPTURE && !$OUT_DONE;
    return if !$_[0] && fd1_taken();     # (what is on fd 1 now is not the script's output)
    my $size;
    if ($FSTAT_SIZE) {
        # fd1_taken's fstat, just made (here or by the caller), found the
        # capture on fd 1 and holds its size too: no lseek, and no stat
        # for next_capture.
        $size = unpack('q', substr($FSTAT_BUF, $FSTAT_SIZE, 8));
        $FD1_STAT = [split(' ', $CAP_ID), $size] if $FINISHING;
    } elsif ($FINISHING) {
        # The last drain, while finishing, also tells next_capture what
        # fd 1 is (nothing of the runner writes to it after that; a child
        # would have forked). The script is done: the stat cache is free.
        $size = -s $FD1;
        $FD1_STAT = [(stat _)[0, 1], $size || 0];
    } else {
        $size = POSIX::lseek(1, 0, Fcntl::SEEK_END());
    }
    drain_sys_out() if @SYS_OUT;
    # A file shorter than what was sent from it was truncated (an open of
    # "/dev/stdout" for writing): what it holds now came after.
    $OUT_OFF = 0 if ($size || 0) < $OUT_OFF;
    return unless $size && $size > $OUT_OFF;
    POSIX::lseek(1, $OUT_OFF, Fcntl::SEEK_SET());
    while (1) {
        my $n = sysread($FD1, my $buf, 65536);
        last unless $n;
        $OUT_OFF += $n;
        $OUT_SENT = 1;
        send_stream(FCGI_STDOUT, $buf);
    }
}

sub stdout_write {
    my ($buf) = @_;
    # A forked child: fd 1 is the capture file. Only after a fork (the
    # sentinel's count moved) can this be a child: no getpid until then.
    if ($FORKS != $REQ_FORKS && $$ != $PID) {
        POSIX::write(1, $buf, length $buf);
        return;
    }
    return if $OUT_DONE;
    if ($OUT_CAPTURE && fd1_taken()) {
        # The script put a file (a pipe, a socket) on fd 1 (see
        # fd1_taken): what it prints goes there, as in a CGI process.
        while (length $buf) {
            my $n = POSIX::write(1, $buf, length $buf);
            last unless $n;
            substr($buf, 0, $n, '');
        }
        return;
    }
    # The gateway's FCGI_ABORT_REQUEST (its client left) is looked for
    # once a second, and every 32 writes: a select per line made a script
    # printing line by line with $| set several times slower than CGI.
    if (!$FINISHING && (++$POLL_WRITES >= 32 || time != $POLL_TIME)) {
        ($POLL_WRITES, $POLL_TIME) = (0, time);
        poll_abort();
    }
    drain_fd1(1);      # (fd 1 was asked above: poll_abort leaves it alone)
    $FD1_DRAINED = $FINISHING;
    $OUT_SENT = 1;
    send_stream(FCGI_STDOUT, $buf);
    $JUST_SENT = 1;
}

# stdout_end ends the FCGI_STDOUT stream: close STDOUT in the script, or the
# end of the request (runner: true when the caller knows it runs in the
# runner itself, not in a child).
sub stdout_end {
    my ($runner) = @_;
    return if $OUT_DONE || (!$runner && $$ != $PID) || !defined $REQ_ID;
    # While finishing, a drain after the last write saw everything.
    drain_fd1() unless $FINISHING && $FD1_DRAINED;
    $OUT_DONE = 1;
    return if $ABORTED;
    $QUEUE .= pack('CCnnCx', FCGI_VERSION_1, FCGI_STDOUT, $REQ_ID, 0, 0);    # (record's, empty)
    conn_write('') unless $FINISHING;
}

# fd_taken tells whether descriptor fd (2, or a dup of STDERR's) holds
# something else than the gateway's pipe: perl reopens STDERR
# (open(STDERR, ">&STDOUT") to show errors in the page, open(STDERR,
# ">>errors.log"), in a library too, CGI::Carp's carpout) by a dup2 onto
# the descriptor its layer reports, and keeps the handle, the runner's
# layer included. /proc tells what the descriptor is (a stat would set
# the script's stat cache). fd 2 is asked only once something asked
# STDERR's descriptor in this request (Err::FILENO), which every such
# reopen does first: a script that never does pays nothing.
sub fd_taken {
    my $link = readlink("/proc/self/fd/$_[0]");
    return defined $link && defined $LOG_LINK && $link ne $LOG_LINK;
}

# stderr_write sends what a handle on the FCGI_STDERR stream prints; fd is
# the descriptor to write to instead, when the script put a file there
# (Err::WRITE), as a process writes to its fd 2. A dup of STDOUT on fd 2
# is the capture file, which sends what it gets in order with what STDOUT
# prints.
our $ERR_PIPE;   # exec_override's child under -t: where its warnings go
sub stderr_write {
    my ($buf, $fd) = @_;
    if ($ERR_PIPE && $$ != $PID) {
        syswrite $ERR_PIPE, 'W' . pack('N', length $buf) . $buf;
        return;
    }
    if (defined $fd || ($FORKS != $REQ_FORKS && $$ != $PID) || !defined $REQ_ID || $ABORTED || $CONN_DEAD || $ANSWERED) {
        POSIX::write($fd // 2, $buf, length $buf);
        return;
    }
    # An exit in DESTROY leaves through perl's eval around it, which
    # warns "(in cleanup)" with the exit's text: no exit says that.
    return if $EXIT_THROW && $buf =~ /^\t\(in cleanup\) exit\(-?\d+\)\n\z/;
    $ERR_SENT = 1;
    send_stream(FCGI_STDERR, $buf);
}

# Each handle on the stream has its own object: STDOUT's, and one for each
# dup of it the script makes (open my $fh, '>&', \*STDOUT: perl pushes the
# layers again). An object holds the request it was made in (or, for the
# installed STDOUT kept from request to request, made for: setup_fds), and
# the stream ends when the last handle of this request on it closes, as a
# CGI process's pipe ends with its last descriptor (OUT_LIVE).
package Menshen::Runner::Out;
# A dup of STDOUT the script makes (open(OLDOUT, ">&STDOUT")) has a real
# descriptor of the capture file behind it, as in a process, and FILENO
# tells it: else the usual "save STDOUT, reopen it to a file, put it back"
# could not put fd 1 back (perl reopens a standard handle by a dup2 onto
# its descriptor, and restores it from the saved handle's fileno). perl
# asks the FILENO of the handle it dups just before it pushes the copy's
# layers (do_openn, then PerlIO_fdupopen): $DUP_SRC is that descriptor.
# (%DUP_FH: a dup's handle on its descriptor, by the object's address;
# corpus reopen_stdout_lib.pl.)
our ($DUP_SRC, %DUP_FH);
sub PUSHED  {
    my $x = $Menshen::Runner::OUT_SERIAL;
    $Menshen::Runner::OUT_LIVE++;
    my $o = bless \$x, $_[0];
    if ($Menshen::Runner::COLLECT_PUSHED) {
        push @Menshen::Runner::OUT_PUSHED, $o;
    } elsif ($Menshen::Runner::OUT_CAPTURE) {
        local ($!, $@);
        my $src = defined $DUP_SRC ? $DUP_SRC : 1;
        undef $DUP_SRC;
        # (perl's own dup: above $^F, so close-on-exec, as perl's dups are.)
        my ($h, $d);
        open($h, '>&=', $src) && open($d, '>&', $h) or return $o;
        $DUP_FH{ Scalar::Util::refaddr($o) } = $d;
    }
    return $o;
}
# (A handle of an earlier request, flushed late, writes nowhere: its
# stream ended with its request; it must not reach this one's.)
sub WRITE   {
    # The common case, whole here (a script printing line by line with $|
    # set comes here for every line): this request's handle in the runner
    # itself (no getpid before a fork: see stdout_write), its stream open
    # and sending, nothing queued, nothing new on fd 1 to send first (the
    # size of the capture file, from fd1_taken's fstat), no abort to look
    # for yet (not -s: see drain_fd1; asked only of the capture: a file
    # the script put on fd 1 keeps its offset), bytes that need no
    # encoding: one record, one send. Anything
    # else, or a send that does not take the record whole, goes the long
    # way (stdout_write, conn_write). $! is the script's: put back after.
    my $errno = $! + 0;
    if (${$_[0]} == $Menshen::Runner::OUT_SERIAL && !$Menshen::Runner::FINISHING && !$Menshen::Runner::OUT_DONE
        && !$Menshen::Runner::ABORTED && !$Menshen::Runner::CONN_DEAD && $Menshen::Runner::CONN
        && defined $Menshen::Runner::REQ_ID && $Menshen::Runner::QUEUE eq '' && !@Menshen::Runner::SYS_OUT
        && $Menshen::Runner::POLL_WRITES < 31 && time == $Menshen::Runner::POLL_TIME
        && !utf8::is_utf8($_[1]) && length($_[1]) <= Menshen::Runner::MAX_CONTENT() && length $_[1]
        && ($Menshen::Runner::FORKS == $Menshen::Runner::REQ_FORKS || $$ == $Menshen::Runner::PID)
        && (!$Menshen::Runner::OUT_CAPTURE || !Menshen::Runner::fd1_taken()
            && ($Menshen::Runner::FSTAT_SIZE
                ? unpack('q', substr($Menshen::Runner::FSTAT_BUF, $Menshen::Runner::FSTAT_SIZE, 8))
                : POSIX::lseek(1, 0, Fcntl::SEEK_END())) == $Menshen::Runner::OUT_OFF)) {
        my $len = length $_[1];
        my $pad = -$len & 7;
        my $rec = pack('CCnnCx', Menshen::Runner::FCGI_VERSION_1(), Menshen::Runner::FCGI_STDOUT(), $Menshen::Runner::REQ_ID, $len, $pad) . $_[1] . ("\0" x $pad);
        $Menshen::Runner::POLL_WRITES++;
        $Menshen::Runner::OUT_WROTE = $Menshen::Runner::OUT_SENT = 1;
        my $n = send($Menshen::Runner::CONN, $rec, $MSG_NOSIGNAL);
        Menshen::Runner::conn_write(defined $n ? substr($rec, $n) : $rec) if !defined $n || $n != length $rec;
        $! = $errno;
        $Menshen::Runner::JUST_SENT = 1;
        return $len;
    }
    $! = $errno;
    return length $_[1] if ${$_[0]} != $Menshen::Runner::OUT_SERIAL && $$ == $Menshen::Runner::PID;
    local $!;
    $Menshen::Runner::OUT_WROTE = 1;
    Menshen::Runner::stdout_write($_[1]);
    length $_[1];
}
# (PerlIO flushes a buffer with the layer's WRITE and at once its FLUSH:
# after a write that drained fd 1 and sent, nothing can be new on fd 1,
# and the pid was checked. A script printing line by line with $| set
# pays this for every line.)
sub FLUSH   {
    if ($Menshen::Runner::JUST_SENT) {
        $Menshen::Runner::JUST_SENT = 0;
        return 0;
    }
    local $!;
    Menshen::Runner::drain_fd1() if !$Menshen::Runner::FINISHING && !$Menshen::Runner::OUT_DONE && $$ == $Menshen::Runner::PID;
    0;
}
sub FILENO  {
    my $d = $DUP_FH{ Scalar::Util::refaddr($_[0]) };
    return $DUP_SRC = $d ? fileno($d) : 1;
}
sub BINMODE { 0 }
sub CLOSE   {
    local $!;
    if (my $d = delete $DUP_FH{ Scalar::Util::refaddr($_[0]) }) {
        undef $DUP_SRC if defined $DUP_SRC && $DUP_SRC == fileno($d);
        close($d);
    } elsif ($Menshen::Runner::OUT_CAPTURE && $Menshen::Runner::CAP_KEEP && $$ == $Menshen::Runner::PID
        && ${$_[0]} == $Menshen::Runner::OUT_SERIAL && Menshen::Runner::fd1_taken()) {
        # STDOUT closed while the script's file is on fd 1: a process's
        # close would free fd 1, and its next open of STDOUT (from a saved
        # dup: ">&OLDOUT") take it again. Here STDOUT's descriptor is the
        # layer's, so fd 1 gets the capture back at once, the file let go.
        POSIX::dup2(fileno($Menshen::Runner::CAP_KEEP), 1);
    }
    Menshen::Runner::stdout_end() if ${$_[0]} == $Menshen::Runner::OUT_SERIAL && --$Menshen::Runner::OUT_LIVE <= 0;
    0;
}
sub POPPED  { delete $DUP_FH{ Scalar::Util::refaddr($_[0]) }; 0 }

# STDERR's layer writes to the FCGI_STDERR stream while fd 2 is the
# gateway's pipe, and to fd 2 once the script put something else there
# (fd_taken). A dup of STDERR the script makes (open(SAVEERR, ">&STDERR"),
# before STDERR goes to a file and is put back from it) has a real
# descriptor of what fd 2 was then, as Out's dups have (the same $DUP_SRC
# dance): it writes where that goes, and STDERR put back from it
# (open(STDERR, ">&SAVEERR")) is the stream again. (%DUP_FH: the dup's
# handle, and its descriptor to write to, undef for the gateway's pipe.)
package Menshen::Runner::Err;
our ($DUP_SRC, %DUP_FH);
sub PUSHED  {
    my $x = 2;
    my $o = bless \$x, $_[0];
    my $src = $DUP_SRC;
    undef $DUP_SRC;
    return $o if $Menshen::Runner::COLLECT_PUSHED || !defined $src;
    local ($!, $@);
    my ($h, $d);
    open($h, '>&=', $src) && open($d, '>&', $h) or return $o;
    $DUP_FH{ Scalar::Util::refaddr($o) } = [$d, Menshen::Runner::fd_taken(fileno($d)) ? fileno($d) : undef];
    return $o;
}
sub WRITE   {
    # (perl's warning that the script replaced one of the runner's
    # overrides of builtins: cg_noise.)
    return length $_[1] if index($_[1], 'CORE::GLOBAL::') > 0 && Menshen::Runner::cg_noise($_[1]);
    # (The wrapper sub's "will not stay shared" as the script compiles,
    # where no __WARN__ handler is in place: `use warnings` keeps the
    # 'closure' category on; closure_noise. Not a die here: where the
    # script made them FATAL, warnings_import put the compile filter in.)
    return length $_[1] if $Menshen::Runner::WRAPPER_CV && index($_[1], ' will not stay shared at ') > 0
        && Menshen::Runner::closure_noise($_[1], 1);
    local $!;
    $Menshen::Runner::ERR_WROTE = 1;
    my $d = %DUP_FH ? $DUP_FH{ Scalar::Util::refaddr($_[0]) } : undef;
    Menshen::Runner::stderr_write($_[1], $d ? $d->[1]
        : $Menshen::Runner::FD2_ASKED && Menshen::Runner::fd_taken(2) ? 2 : undef);
    length $_[1];
}
# (No FLUSH: PerlIO::via calls a layer's FLUSH at every flush of STDERR,
# and one that only returns 0 cost a call of Perl code for what its
# absence gives, a flush that succeeds.)
sub FILENO  {
    $Menshen::Runner::FD2_ASKED = 1;
    my $d = %DUP_FH ? $DUP_FH{ Scalar::Util::refaddr($_[0]) } : undef;
    return $DUP_SRC = $d ? fileno($d->[0]) : 2;
}
sub BINMODE { 0 }
sub CLOSE   {
    local $!;
    if (my $d = delete $DUP_FH{ Scalar::Util::refaddr($_[0]) }) {
        close($d->[0]);
    } elsif ($Menshen::Runner::FD2_ASKED && $$ == $Menshen::Runner::PID && Menshen::Runner::fd_taken(2)) {
        # STDERR closed while the script's file is on fd 2 (see Out::CLOSE):
        # fd 2 gets the gateway's pipe back, the file let go.
        POSIX::dup2($Menshen::Runner::LOG_FD, 2);
    }
    0;
}
sub POPPED  { delete $DUP_FH{ Scalar::Util::refaddr($_[0]) }; 0 }

# The fork sentinel's layer: perl flushes every PerlIO handle before it
# forks (fork, system, exec, qx, pipe opens: PERL_FLUSHALL_FOR_CHILD), and
# nothing else ever flushes this handle.
package Menshen::Runner::Forks;
sub PUSHED  { my $x = 0; bless \$x, $_[0] }
sub WRITE   { length $_[1] }
sub FLUSH   {
    # The request's first fork: its processes get pids allocated after this.
    $Menshen::Runner::PID_MARK = Menshen::Runner::last_pid()
        if $Menshen::Runner::FORKS++ == $Menshen::Runner::REQ_FORKS;
    0;
}

package Menshen::Runner::Exit;
# Its truth is a constant (`sub () { 1 }`, which perl makes an XSUB), not
# its string's: no Perl code runs to test it. perl's dispatch of a %SIG
# handler tests the exception the handler died with before it frees its
# copy of $@. For an exit there that exception is this object, and
# exit_rethrow's signal is pending (the guard the dispatch's own catch
# freed sent it): Perl code run for the test (the "" overload) ends with
# a check for pending signals, exit_rethrow died from it, out of the
# dispatch, and the copy leaked, about 70 bytes a request
# (TestRunner_ExitFromSignalLeaksNothing).
use overload '""' => sub { "exit(" . $_[0]{code} . ")\n" }, bool => sub () { 1 }, fallback => 1;

# An exit that has to die (exit_override) puts an ExitGuard in $@ first
# (not in a DESTROY, whose die perl catches itself, setting no $@).
# perl sets $@ to what was thrown only once the stack is unwound, at the
# eval that caught it, and so frees the guard there: its DESTROY sends the
# signal exit_rethrow handles. Sent before the die instead, the signal
# came in the middle of the unwinding, between two calls perl makes into
# the output layer to close a dup of STDOUT the unwinding frees: the
# handler's die cut that close short, and the handle and its two
# descriptors leaked, at every request (corpus exit_sort_dup.pl).
package Menshen::Runner::ExitGuard;
sub DESTROY {
    local ($!, $?);
    kill $Menshen::Runner::EXIT_SIG, $$ if $Menshen::Runner::EXIT_THROW;
}

package Menshen::Runner;

# layered_handle returns a write handle with the via layer under a real
# :perlio buffer. Below the via layer is $SINK, an anonymous temp file that
# nothing ever writes to: over a regular file (or a pipe, as under CGI)
# tell() counts the bytes written through the handle, over /dev/null it
# stays 0 (CGI::Carp's fatalsToBrowser reads it; corpus tell.pl).
sub layered_handle {
    my ($class) = @_;
    open(my $fh, '>&', $SINK) or die "dup the sink: $!";
    local $COLLECT_PUSHED = 1;
    @OUT_PUSHED = ();
    binmode($fh, ":pop:via($class):perlio") or die "push $class layer: $!";
    return $fh;
}

# ---------------------------------------------------------------------------
# Overrides installed before the script (and the modules it uses) compile.

sub exit_override (;$) {
    my $code = @_ ? $_[0] : 0;
    $code = 0 unless defined $code;
    { no warnings 'numeric'; $code = int($code); }
    child_exit($code) if $$ != $PID;
    CORE::exit($code) unless $IN_SCRIPT;
    $EXIT = [$code];
    # As perl's exit sets it before it unwinds: what the unwinding
    # destroys (a file-scope lexical's object) sees the exit status.
    $? = $code == -1 ? -1 : $code & 0xFFFF;
    {
        local $SIG{__DIE__};
        no warnings 'exiting';
        eval { last MENSHEN_REQ };
    }
    # The label is out of reach: perl runs this code on a stack of its own
    # (a sort block, a signal, __DIE__ or __WARN__ handler, DESTROY, tie
    # or overload code, a BEGIN block). Only die leaves it, and an eval of
    # the script would catch that and go on; so the exit is carried on
    # (exit_rethrow).
    my $x = bless { code => $code }, 'Menshen::Runner::Exit';
    my $state = $EXIT_SIG ? script_state() : 0;
    # In a BEGIN block (a `use`) of code the script compiles as it runs
    # (a string eval, a required file, do FILE: perl's $^S is undef while
    # a compilation is under way) the die ends in perl's call of the
    # block (call_list), which stringifies it, appends "BEGIN failed--
    # compilation aborted" and dies with that text, calling the __DIE__
    # hook: none then, as for the exit it is (not made local: the
    # script's would be back before that die). What call_list
    # stringifies is a plain hash (no class: a package of its own would
    # cost every request's package list a table): the Exit class's ""
    # overload is Perl code, at whose end perl delivered the signal the
    # guard below sends, and exit_rethrow's die from there, while
    # call_list's own jump target was still set, came back into it for
    # ever: the worker spun until the gateway's timeout (a 504 where cgi
    # mode answers at once).
    my $thrown = $x;
    if ($state && !defined ${$Menshen::Runner::REAL_S}) {
        $SIG{__DIE__} = undef;
        $thrown = { code => $code };
    }
    local $SIG{__DIE__};
    # (While the script blocks the signal, it waits until the script
    # unblocks it; one still pending at the end is dropped, see run_request.)
    if ($state) {
        $EXIT_THROW = $x;
        $EXIT_ARMED = 1;
        $SIG{$EXIT_SIG} = \&exit_rethrow;
        if ($state == 2) {
            # In a DESTROY perl catches the die itself and sets no $@:
            # the signal then comes right after it.
            kill $EXIT_SIG, $$;
        } else {
            $@ = bless [], 'Menshen::Runner::ExitGuard';
        }
    }
    die $thrown;
}

# exit_rethrow carries an exit that had to die (exit_override) out of the
# script's evals. The signal it handles ($EXIT_SIG, sent to the runner
# itself by the ExitGuard an eval's catch frees) is delivered at the next
# statement (or && || ?:) perl runs: right after an eval of the script
# caught the exit, before anything of its own runs. It dies again, with a
# new guard, until the runner's own eval has it: then the script's code is
# off the stack, and a last delivery does nothing. A real exit would have
# left at once: the code after those evals never runs, as in a CGI
# process.
sub exit_rethrow {
    return unless $EXIT_THROW;
    my $state = script_state() or return;
    # Not from inside a DESTROY (the guard's own among them), or the
    # runner's own code (its output layer): perl would swallow the die
    # there and cut that code short. The signal comes again at the next
    # statement.
    if ($state == 2) {
        kill $EXIT_SIG, $$;
        return;
    }
    # perl dies again with what a signal handler died with, calling the
    # __DIE__ hook then: none while an exit leaves (a hook the script
    # made local comes back as the stack unwinds, as in a real exit).
    $SIG{__DIE__} = undef;
    $@ = bless [], 'Menshen::Runner::ExitGuard';
    # (In a BEGIN block at the script's run time, a plain hash: see
    # exit_override. The next statement after the string eval, require
    # or do FILE that failed with it dies with the Exit itself.)
    die defined ${$Menshen::Runner::REAL_S} ? $EXIT_THROW : { code => $EXIT_THROW->{code} };
}

# script_state tells whether the script's compiled code (its wrapper) is
# on the call stack, as opposed to its compilation, its END blocks, or
# the runner: 0 if not, 1 if so, 2 if so but with a DESTROY or the
# runner's own code (other than the exit subs) called from it in between.
sub script_state {
    my $inner = 0;
    for (my $i = 1; my @c = CORE::caller($i); $i++) {
        return $inner ? 2 : 1 if $c[3] =~ /^Menshen::Runner::Compiled::/;    # (__ANON__ once its glob is gone)
        $inner = 1 if $c[3] =~ /::DESTROY\z/
            || $c[3] =~ /^Menshen::Runner::/ && $c[3] !~ /^Menshen::Runner::exit_(?:rethrow|override)\z/;
    }
    return 0;
}

# child_exit ends a child the script forked: it must never return into the
# runner's loop, nor write onto the FastCGI connection.
sub child_exit {
    my ($code) = @_;
    eval { STDOUT->flush; STDERR->flush };
    POSIX::_exit($code & 255);
}

# ---------------------------------------------------------------------------
# What the script leaves running (C10). cgi mode kills the script's process
# group once the script has exited and its stdout has ended; a process
# still holding stdout keeps the answer open until 500 ms after the exit
# (lingerGrace), then is killed too. The runner is its group's leader (the
# gateway starts it with Setpgid), so every other process of the group was
# started by the script: after a request that forked, end_kids finds them
# in /proc and does the same, before the answer ends.

# last_pid returns the last pid the kernel allocated (in our pid
# namespace), undef if unknown.
sub last_pid {
    my $fd = POSIX::open('/proc/sys/kernel/ns_last_pid', POSIX::O_RDONLY()) // return;
    my $n = POSIX::read($fd, my $buf, 32);
    POSIX::close($fd);
    return $n && $buf =~ /\A([0-9]+)/ ? $1 : undef;
}

# group_members lists [pid, ppid, state] of every process of the runner's
# group but the runner, from /proc/PID/stat (the command name, field 2, may
# hold spaces and parentheses: fields 3-5 follow the last ')'), and the
# last pid allocated before it looked (undef: unknown). Given the mark
# (last_pid before the request's first fork), only pids allocated since
# can be members: the others were all forked during this request (the
# last request's were killed). Those are probed one by one while there
# are few (a readdir of /proc costs about 200 us, a stat file 7 us, a
# missing one 1 us); else, or without a mark, /proc is read. Pids wrap at
# pid_max.
sub group_members {
    my ($mark) = @_;
    my $now = last_pid();
    my @pids;
    if (defined $mark && defined $now && $now >= $mark && $now - $mark <= 256) {
        @pids = ($mark + 1 .. $now);
    } else {
        opendir(my $dh, '/proc') or return ([], $now);
        while (defined(my $e = readdir $dh)) {
            next unless $e =~ /\A([0-9]+)\z/;
            push @pids, $1;                 # untainted: kill and waitpid take it
        }
        if (defined $mark && defined $now) {
            @pids = grep { $now >= $mark ? $_ > $mark : $_ > $mark || $_ <= $now } @pids;
        }
    }
    my @m;
    for my $pid (@pids) {
        next if $pid == $PID;
        my $fd = POSIX::open("/proc/$pid/stat", POSIX::O_RDONLY()) // next;
        my $n = POSIX::read($fd, my $st, 512);
        POSIX::close($fd);
        # (Its group, or its session: the gateway makes the runner lead
        # one, which a child that moved to a group of its own, setpgid,
        # as coreutils timeout does, does not leave.)
        push @m, [$pid, $2, $1] if $n && $st =~ /.*\) (\S) ([0-9]+) ([0-9]+) ([0-9]+) /s && ($3 == $PID || $4 == $PID);
    }
    return (\@m, $now);
}

# holds_stdout tells whether one of the processes (group_members rows) has
# the request's capture file as its fd 1: it holds the script's stdout.
sub holds_stdout {
    return 0 unless $OUT_CAPTURE && defined $CAP_ID;
    my %pipes = map { $_->[1] => 1 } @SYS_OUT;
    for my $m (@_) {
        my ($dev, $ino) = stat("/proc/$m->[0]/fd/1");
        return 1 if defined $ino && "$dev $ino" eq $CAP_ID;
        if (%pipes) {
            my $name = readlink("/proc/$m->[0]/fd/1");
            return 1 if defined $name && $pipes{$name};
        }
    }
    return 0;
}

# end_kids ends what the script left in the runner's group, once the
# script is done (END blocks and DESTROY included) and before its answer
# ends: while one of them holds stdout (and the client is there) they get
# up to 500 ms, STDOUT flushed first and what they write sent as it comes,
# as in cgi mode; then every one is SIGKILLed and those that are the
# runner's children reaped (no zombie piles up; init reaps the others),
# again until none is left, for those forked while we looked. A process
# that left the session (setsid) escapes, as it does in cgi mode; one that
# only moved to a group of its own (setpgid) does not. Only after
# a request that forked (the fork sentinel), in the runner itself.
sub end_kids {
    return if $$ != $PID;
    local $SIG{CHLD} = 'DEFAULT';          # no script handler runs now
    my ($linger, $quiet, %killed) = (50, 0);   # 50 x 10 ms
    for (my $pass = 0; $pass < 1000; $pass++) {
        my @live;
        my ($members, $now) = group_members($PID_MARK);
        for my $m (@$members) {
            if ($m->[2] eq 'Z' || $m->[2] eq 'X') {
                waitpid($m->[0], POSIX::WNOHANG()) if $m->[1] == $PID;
            } else {
                push @live, $m;
            }
        }
        # None left, unless a process forked while we looked (one that
        # forks and exits at once would leave its child unseen): look
        # again then, a few times at most (other processes fork too).
        if (!@live) {
            return if !defined $now || $quiet++ >= 3;
            my $after = last_pid();
            return if !defined $after || $after == $now;
            next;
        }
        if ($linger && !%killed && !$ABORTED && !$CONN_DEAD && holds_stdout(@live)) {
            if ($linger == 50) {
                my $io = *main::STDOUT{IO};
                eval { $io->flush } if !$OUT_DONE && $io && $CUR_OUT && $io == $CUR_OUT && !tied(*main::STDOUT);
            }
            $linger--;
            select(undef, undef, undef, 0.01);
            poll_abort();
            drain_fd1();
            next;
        }
        my @new = grep { !$killed{$_->[0]}++ } @live;
        kill 'KILL', map { $_->[0] } @new if @new;
        for my $m (@live) {
            next if $m->[1] != $PID;
            1 while waitpid($m->[0], 0) == -1 && $!{EINTR};
        }
        select(undef, undef, undef, 0.001) unless @new;    # killed, still dying
    }
    logmsg("processes the script started are still alive after SIGKILL");
}

sub fork_override () {
    my $pid = CORE::fork();
    if (defined $pid && $pid == 0) {
        close $LISTEN if $LISTEN;
        close $CONN if $CONN;
        $CONN_DEAD = 1;
    }
    return $pid;
}

sub exec_override {
    return CORE::exec(@_) if !$IN_SCRIPT || $$ != $PID;
    # exec would replace the worker: run the program as a child instead and
    # end the request with its status (its fd-1 output is captured).
    eval { STDOUT->flush; STDERR->flush };
    pipe(my $r, my $w) or return 0;
    my $pid = CORE::fork();
    return 0 unless defined $pid;
    if ($pid == 0) {
        close $r;
        close $LISTEN if $LISTEN;
        close $CONN if $CONN;
        # A taint check (insecure $ENV{PATH}, tainted arguments) dies
        # before anything runs: the parent dies with the message instead.
        # Under -t it warns instead (at the script's line: at_site), here
        # where STDERR cannot reach the request: its warnings go to the
        # parent, which gives them.
        my $at = $TAINT_MODE < 0 ? at_site('exec', (CORE::caller(0))[1, 2, 9]) : undef;
        $ERR_PIPE = $w if $at;
        my $ok = eval { no warnings 'exec'; $at ? $at->(@_) : CORE::exec(@_); 1 };
        if (!$ok && defined $@ && length $@) {
            syswrite $w, 'D' . "$@";
            POSIX::_exit(127);
        }
        my $errno = $! + 0;
        syswrite $w, pack('N', $errno);
        POSIX::_exit(127);
    }
    close $w;
    # (Read to the end: the child's warnings come before its verdict; the
    # pipe closes when its exec succeeds.)
    my $errbuf = '';
    while (1) {
        my $k = sysread($r, $errbuf, 65536, length $errbuf);
        next if !defined $k && $!{EINTR};
        last unless $k;
    }
    close $r;
    while (length $errbuf >= 5 && substr($errbuf, 0, 1) eq 'W') {
        my $len = unpack('N', substr($errbuf, 1, 4));
        my $msg = substr($errbuf, 5, $len);
        substr($errbuf, 0, 5 + $len, '');
        # (A failed exec's own warning is given below, with its errno.)
        warn $msg unless $msg =~ /\ACan't exec /;
    }
    my $n = length $errbuf;
    if ($n && substr($errbuf, 0, 1) eq 'D') {
        waitpid($pid, 0);
        my $msg = substr($errbuf, 1);
        my @c = caller;
        $msg =~ s/ at .* line \d+(, <[^>]*> (?:line|chunk) \d+)?\.\n\z/ at $c[1] line $c[2]${\($1 \/\/ '')}.\n/s;
        die $msg;
    }
    if ($n && $n == 4) {
        waitpid($pid, 0);
        my $errno = unpack('N', $errbuf);
        $! = $errno;
        warn "Can't exec \"$_[0]\": $!" . " at " . join(' line ', (caller)[1, 2]) . ".\n"
            if $^W || warnings::enabled('exec');
        $! = $errno;
        return 0;
    }
    my $st;
    while (($st = waitpid($pid, 0)) == -1 && $!{EINTR}) { }
    my $status = $?;
    my $code = ($status & 127) ? 128 + ($status & 127) : ($status >> 8);
    $SKIP_END = 1;
    exit_override($code);
}

# syswrite_override is syswrite() for the script (imported into main:: as
# system is): what perl's would write to the page (STDOUT, or another
# handle on fd 1 itself, `open(OUT, ">&=1")`, with fd 1 the capture file)
# is sent at once, as it reaches a CGI process's client (C8), instead of
# at the script's next print; after what reached fd 1 before it, and
# without going through the capture file: a later open of "/dev/stdout"
# or "/dev/fd/1" (a report writer's default output) truncates that file,
# and bytes sent from it would shift what it sends next (the first bytes
# of the report cut off). A call on another handle, a tied handle, data
# that is a reference (an object: perl stringifies it), one perl would
# warn about or refuse (a closed STDOUT, a :utf8 layer, a wide
# character, an undefined or odd length or offset), or outside the
# script's own process is perl's syswrite itself, by goto: its warnings
# and errors name the script's line, under its warnings.
sub syswrite_override (*$;$$) {
    goto &CORE::syswrite
        unless $IN_SCRIPT && $$ == $PID && !$OUT_DONE && $OUT_CAPTURE
        && @_ >= 2 && @_ <= 4 && syswrite_page($_[0]);
    # Each argument is read once, as perl reads it: a tied scalar's FETCH
    # and an object's stringification are the script's, and run as often
    # as in a CGI process. Perl's syswrite, when it is to warn or refuse,
    # gets the values read; an object it stringifies itself.
    my (undef, $buf, $len, $off) = @_;
    if (!syswrite_plain(scalar @_, $buf, $len, $off)) {
        @_ = ($_[0], $buf, $len, $off)[0 .. $#_];
        goto &CORE::syswrite;
    }
    # What perl would write: from the offset (from the end when
    # negative), the length at most (syswrite_plain checked both).
    my $size = length $buf;
    $off = 0 if @_ < 4;
    $off += $size if $off < 0;
    my $n = $size - $off;
    $n = $len if @_ >= 3 && $len < $n;
    drain_fd1();
    if ($n) {
        $OUT_SENT = 1;
        send_stream(FCGI_STDOUT, substr($buf, $off, $n));
    }
    return $n;
}

# syswrite_page tells whether syswrite's handle is the page: STDOUT, or a
# handle on fd 1 itself, with the capture file there, with no :utf8 layer
# (perl refuses syswrite on one).
# The handle is looked at only as far as perl could not refuse it (a glob,
# a reference to a glob or an IO, a name): no eval, which would empty the
# script's $@ and call its __DIE__ handler, and no warning of the runner's
# (an undefined handle is perl's to warn about).
sub syswrite_page {
    my ($fh) = @_;
    return 0 unless defined $fh;
    my ($io, $glob);
    if (ref \$fh eq 'GLOB') {
        ($io, $glob) = (*{$fh}{IO}, \$fh);
    } elsif (my $type = Scalar::Util::reftype($fh)) {
        return 0 unless $type eq 'GLOB' || $type eq 'IO';
        $io = *{$fh}{IO};
        $glob = $fh if $type eq 'GLOB';
    } else {
        # A name: STDOUT, or another handle of main's, as the script's
        # bareword (`syswrite(FD1, ...)`) comes.
        my ($name) = $fh =~ /\A(?:(?:main)?::)?(\w+)\z/ or return 0;
        my $g = $main::{$name};
        return 0 unless defined $g && ref \$g eq 'GLOB';
        ($io, $glob) = (*{$g}{IO}, \$g);
    }
    return 0 unless $io;
    # A tied handle is the tie's: perl calls its WRITE (fileno would call a
    # FILENO the class need not have). Another handle than STDOUT counts
    # only as a glob, whose tie can be seen.
    if ($io == *main::STDOUT{IO}) {
        return 0 if tied *main::STDOUT;
        $glob = \*main::STDOUT;
    } else {
        return 0 if !$glob || tied *$glob;
    }
    my $fd = fileno($io);
    return 0 unless defined $fd && $fd == 1 && !fd1_taken();
    return 0 if grep { $_ eq 'utf8' } PerlIO::get_layers($glob, output => 1);
    return 1;
}

# syswrite_plain tells whether perl's syswrite of $n arguments, with these
# data, length and offset, would neither warn nor die: bytes (or
# characters below 256), not an object, a whole length, an offset inside
# the data.
sub syswrite_plain {
    my ($n, $buf, $len, $off) = @_;
    return 0 if !defined $buf || ref $buf || utf8::is_utf8($buf) && $buf =~ /[^\x00-\xff]/;
    my $size = length $buf;
    return 0 if $n >= 3 && !(defined $len && !ref $len && $len =~ /\A[0-9]+\z/);
    return 0 if $n == 4 && !(defined $off && !ref $off && $off =~ /\A-?[0-9]+\z/ && ($off < 0 ? -$off <= $size : $off <= $size));
    return 1;
}

# at_site gives a sub that calls perl's own system or exec (what) compiled
# at the script's call site (file, line) with the script's lexical
# warnings there (bits, as caller gives them), used under taint checks:
# what those ops say (-T's refusals, -t's warnings: "Insecure $ENV{PATH}",
# then "Insecure dependency in system") names the script's line and follows
# its warnings (no warnings 'taint', FATAL), as in CGI. (A __WARN__ handler
# that rewrote them could not: Perl code run as a handler ends the taint of
# the statement that warned, and perl's second check with it.) One per
# site; undef for a file name #line cannot carry.
our %AT_SITE;
our $SITE_BITS;
sub at_site {
    my ($what, $file, $line, $bits) = @_;
    return undef if !defined $file || $file =~ /["\n]/ || $line !~ /\A\d+\z/;
    my $key = join "\0", $what, $file, $line, $bits // '';
    return $AT_SITE{$key} if $AT_SITE{$key};
    local $SITE_BITS = $bits;
    local $@;
    # (Untainted: the caller's file, line and bits come from the op tree.)
    my $src = "package main; BEGIN { \${^WARNING_BITS} = \$Menshen::Runner::SITE_BITS }\n"
        . "#line $line \"$file\"\nsub { CORE::$what(\@_) }";
    ($src) = $src =~ /\A(.*)\z/s;
    my $sub = eval $src;
    return $AT_SITE{$key} = $sub;
}

# system_override is system() for the script: the program's fd 1 is a pipe
# that the runner reads while it runs, sending what comes as it comes (C8),
# where perl's own system() would leave it in the capture file until the
# next write. Otherwise it is perl's system: the same argument handling
# (the child calls exec with the same list: one string with shell
# metacharacters goes to /bin/sh -c), everything flushed before the fork,
# SIGINT and SIGQUIT ignored and SIGCHLD blocked while it waits, the wait
# status returned and in $?, and -1 with $! set (and perl's warning) when
# the program cannot be started, or -1 with $! set when it cannot be waited
# for. It returns when the program exits, as
# perl's does: what it left running with the pipe (`cmd &`) is read from
# then on with the capture file (drain_fd1), and ended by end_kids.
# Outside the script's own process, once STDOUT was closed, or under taint
# checks (perl's system dies before it forks), perl's system runs.
sub system_override {
    if (!$IN_SCRIPT || $$ != $PID || $OUT_DONE || !$OUT_CAPTURE || $TAINT_MODE || fd1_taken()) {
        # (A statement of its own: under taint checks, a tainted value
        # read in the condition would make perl refuse the call.) Perl's
        # refusal names the script's line, not this one.
        my ($file, $line, $bits) = (CORE::caller(0))[1, 2, 9];
        my $at = $TAINT_MODE ? at_site('system', $file, $line, $bits) : undef;
        local $@;
        my $r = eval { local $SIG{__DIE__}; $at ? $at->(@_) : CORE::system(@_) };
        return $r unless $@ ne '';
        (my $e = $@) =~ s/ at \S+ line \d+(, <[^>]*> (?:line|chunk) \d+)?\.\n\z/ at $file line $line${\($1 \/\/ '')}.\n/;
        die $e;
    }
    my $errno0 = $! + 0;    # perl's system leaves $! alone when it runs the program
    my ($out, $w, $er, $ew);
    pipe($out, $w) or return CORE::system(@_);
    pipe($er, $ew) or return CORE::system(@_);
    my $block = POSIX::SigSet->new(POSIX::SIGCHLD());
    my $old = POSIX::SigSet->new;
    POSIX::sigprocmask(POSIX::SIG_BLOCK(), $block, $old);
    my $pid = CORE::fork();     # flushes every handle first, as system does
    if (!defined $pid) {
        my $errno = $! + 0;
        POSIX::sigprocmask(POSIX::SIG_SETMASK(), $old);
        $! = $errno;
        $? = -1;
        return -1;
    }
    if ($pid == 0) {
        close $out;
        close $er;
        close $LISTEN if $LISTEN;
        close $CONN if $CONN;
        POSIX::sigprocmask(POSIX::SIG_SETMASK(), $old);
        POSIX::dup2(fileno($w), 1) // POSIX::_exit(127);
        { no warnings 'exec'; CORE::exec(@_); }
        syswrite $ew, pack('N', $! + 0);
        POSIX::_exit(127);
    }
    close $w;
    close $ew;
    # A die out of the wait (an alarm handler's) leaves the program
    # running, as perl's system does: it goes on writing into the answer
    # until end_kids ends it. SIGCHLD is unblocked again however this ends.
    my $finished;
    my $guard = Menshen::Runner::Guard->new(sub {
        POSIX::sigprocmask(POSIX::SIG_SETMASK(), $old);
        keep_sys_out($out) unless $finished;
    });
    local $SIG{INT} = 'IGNORE';
    local $SIG{QUIT} = 'IGNORE';
    my $n = sysread($er, my $errbuf, 4);
    close $er;
    if ($n && $n == 4) {
        1 while waitpid($pid, 0) == -1 && $!{EINTR};
        close $out;
        $finished = 1;
        undef $guard;
        my $errno = unpack('N', $errbuf);
        $! = $errno;
        # Perl names the program: the first word of a one-string command
        # it split itself (no shell metacharacters), else the first item.
        my ($prog) = @_ == 1 ? split(' ', $_[0]) : @_;
        warn "Can't exec \"$prog\": $!" . " at " . join(' line ', (caller)[1, 2]) . ".\n"
            if $^W || warnings::enabled('exec');
        $! = $errno;
        $? = -1;
        return -1;
    }
    # Output from before the fork first (fd 1 written directly).
    drain_fd1();
    my ($wait, $done, $eof) = (0.001, 0, 0);
    my $fd = fileno($out);
    while (!$done) {
        my $rin = '';
        vec($rin, $fd, 1) = 1;
        vec($rin, fileno($CONN), 1) = 1 if $CONN && !$CONN_DEAD && !$ABORTED;
        my $k = select(my $rout = $rin, undef, undef, $wait);
        if ($k && $k > 0) {
            if (vec($rout, $fd, 1)) {
                my $got = sysread($out, my $buf, 65536);
                if (defined $got && $got == 0) {
                    $eof = 1;
                    last;
                }
                if ($got) {
                    $OUT_SENT = 1;
                    send_stream(FCGI_STDOUT, $buf);
                    $wait = 0.001;
                }
            }
            if ($CONN && !$CONN_DEAD && vec($rout, fileno($CONN), 1)) {
                poll_abort();
                kill 'KILL', $pid if $ABORTED;      # the client is gone, as in cgi mode
            }
            next;
        }
        # Nothing came: has the program exited (what it started may hold
        # the pipe)? The wait grows to 50 ms while it runs. (-1: reaped
        # already, under $SIG{CHLD} = 'IGNORE'.)
        my $r = waitpid($pid, POSIX::WNOHANG());
        $done = 1 if $r == $pid || ($r == -1 && !$!{EINTR});
        $wait *= 2 if $wait < 0.05;
    }
    1 while !$done && waitpid($pid, 0) == -1 && $!{EINTR};
    # A wait that failed (ECHILD under $SIG{CHLD} = 'IGNORE') is perl's
    # -1, with $? = -1 and $! as the wait left it.
    my $status = $?;
    my $errno = $status == -1 ? $! + 0 : $errno0;
    if ($eof) {
        close $out;
    } else {
        keep_sys_out($out);
        drain_sys_out();
    }
    $finished = 1;
    undef $guard;
    $! = $errno;
    $? = $status;
    return $status;
}

# keep_sys_out keeps a system() output pipe that a process the program
# started may still write to (drain_sys_out, holds_stdout).
sub keep_sys_out {
    my ($out) = @_;
    # The pipe's name (pipe:[inode]), not a stat: this runs inside the
    # script's system(), and a stat would set its stat cache (`_`).
    my $id = readlink('/proc/self/fd/' . fileno($out));
    push @SYS_OUT, [$out, $id] if defined $id;
}

# drain_sys_out sends what the processes a system() left running wrote to
# its pipe since the last call, without waiting; a pipe at its end is
# closed.
sub drain_sys_out {
    for my $p (@SYS_OUT) {
        my $fh = $p->[0] or next;
        while (1) {
            my $rin = '';
            vec($rin, fileno($fh), 1) = 1;
            last unless select(my $rout = $rin, undef, undef, 0) > 0;
            my $got = sysread($fh, my $buf, 65536);
            if (!$got) {
                close $fh;
                $p->[0] = undef;
                last;
            }
            $OUT_SENT = 1;
            send_stream(FCGI_STDOUT, $buf);
        }
    }
    @SYS_OUT = grep { $_->[0] } @SYS_OUT;
}

# cgi_carp_ineval replaces CGI::Carp::ineval: an eval only counts if it is
# the script's, not the runner's (mod_perl's Registry gets the same special
# case inside CGI::Carp).
# (A require's frame is no eval: $^S is 0 in a file required outside any.)
sub cgi_carp_ineval {
    for (my $i = 1; ; $i++) {
        my @c = CORE::caller($i);
        return 0 if !@c || $c[0] eq 'Menshen::Runner';
        return 1 if $c[3] eq '(eval)' && !$c[7];
    }
}

# $^S as the script sees it. The script runs inside the runner's eval, so
# perl's $^S (PL_in_eval) is 1 at its top level, where a fresh process has
# 0, and the classic handler `$SIG{__DIE__} = sub { return if $^S; ... }`
# would never print its page. The scalar slot of the *^S glob is replaced
# (install_dollar_s) by a tied scalar: every reader, compiled before or
# after, reads it through the glob. FETCH returns perl's own value, except
# that while the script runs a 1 that only the runner's eval causes reads
# 0: walking up the frames, the call of the script by the runner comes
# before any eval of the script's own (eval {} or eval "": a require's
# frame sets no eval). While compiling it is undef, and in END blocks 1
# (perl runs them as in an eval), as perl's. Only a read of $^S pays.
our $REAL_S;              # perl's magical $^S
our $PARSE_END;           # the handler of a failed parse runs (compile_script)

sub install_dollar_s {
    no strict 'refs';
    $REAL_S = \${"main::\cS"};
    tie my $s, 'Menshen::Runner::DollarS';
    *{"main::\cS"} = \$s;
}

package Menshen::Runner::DollarS;
sub TIESCALAR { my $x; return bless \$x, $_[0] }
sub FETCH {
    return undef if $Menshen::Runner::PARSE_END;
    my $v = ${$Menshen::Runner::REAL_S};
    return $v unless $v && $Menshen::Runner::IN_SCRIPT;
    for (my $i = 1; ; $i++) {
        my @c = CORE::caller($i) or return $v;
        if ($c[3] eq '(eval)') {
            return $v unless $c[7];
        } elsif ($c[0] eq 'Menshen::Runner' && $c[3] =~ /^Menshen::Runner::Compiled::/
            || $c[3] eq 'Menshen::Runner::returned_early') {
            return 0;
        }
    }
}
sub STORE {
    my @c = CORE::caller;
    die "Modification of a read-only value attempted at $c[1] line $c[2].\n";
}

package Menshen::Runner;

# returned_early is called right after the script's sub (in the same
# statement: the sub runs in void context, as a script does): when the
# script did not run to its end (its last statement sets $FELL_OFF), a
# top-level `return` left it, which perl refuses in a script file at run
# time ("Can't return outside a subroutine", status 255 as for any die;
# return in an eval block or a sub is fine in both). The line is the
# return's: when the source says `return` at all, the wrapper's first
# lexical is a ReturnGuard, freed as the sub is left, while perl's current
# statement is still the script's last one. $^S and __DIE__ handlers see a
# top-level die.
our $FELL_OFF;            # the script's sub ran its last statement
our $RETURN_GUARD;        # the source says `return`: compile with a ReturnGuard
our @RETURN_AT;           # file and line the script's sub was left from
sub returned_early {
    return if $FELL_OFF;
    my ($file, $line) = @RETURN_AT ? @RETURN_AT : ($SCRIPT, 0);
    die "Can't return outside a subroutine at $file line $line.\n";
}

package Menshen::Runner::ReturnGuard;
sub new { @Menshen::Runner::RETURN_AT = (); my $x; return bless \$x, $_[0] }
sub DESTROY { @Menshen::Runner::RETURN_AT = (CORE::caller(0))[1, 2] unless $Menshen::Runner::FELL_OFF }

package Menshen::Runner;

# ---------------------------------------------------------------------------
# Symbol tables.

# stash returns the symbol table of a package, without creating it.
sub stash {
    my ($pkg) = @_;
    no strict 'refs';
    my $h = \%main::;
    for my $part (split /::/, $pkg) {
        next if $part eq '' || $part eq 'main';
        my $g = $h->{"${part}::"};
        return undef unless defined $g && ref(\$g) eq 'GLOB' && *{$g}{HASH};
        $h = *{$g}{HASH};
    }
    return $h;
}

# loaded_sub returns the sub $pkg::$name if it is defined, without creating
# the package or the name: the runner names CGI.pm's subs only this way, so
# that a script sees no %CGI:: unless it loads CGI, as in a fresh perl.
sub loaded_sub {
    my ($pkg, $name) = @_;
    my $h = stash($pkg) or return undef;
    return exists $h->{$name} ? entry_code($h->{$name}) : undef;
}

# entry_code returns the sub a symbol table entry holds: entries are globs,
# or (since perl 5.22) bare CODE refs for subs and SCALAR refs for constants.
sub entry_code {
    my ($e) = @_;
    return $e if ref $e eq 'CODE';
    return undef unless ref(\$e) eq 'GLOB';
    return *{$e}{CODE};
}

# all_stashes returns package name => [symbol table, number of names], for
# every package.
sub all_stashes {
    my %seen;
    my @todo = (['main', \%main::]);
    while (my $t = shift @todo) {
        my ($name, $h) = @$t;
        $seen{$name} = [$h, scalar keys %$h];
        push @todo, grep { !exists $seen{ $_->[0] } } sub_stashes($name, $h);
    }
    return %seen;
}

# sub_stashes returns [name, symbol table] of each package right under the
# package name, whose table is h.
sub sub_stashes {
    my ($name, $h) = @_;
    my @subs;
    for my $k (keys %$h) {
        next unless $k =~ /::\z/ && $k ne 'main::';
        my $g = $h->{$k};
        next unless ref(\$g) eq 'GLOB' && *{$g}{HASH};
        push @subs, [($name eq 'main' ? '' : "${name}::") . substr($k, 0, -2), *{$g}{HASH}];
    }
    return @subs;
}

# known_stashes returns every package's symbol table (name => table): those
# of %STASH_KEYS and those made since new_stashes last updated it, found as
# new_stashes_scan finds them (in the tables whose name count moved), but
# without updating it: new_stashes must still report them to its callers.
# all_stashes' walk of every name of every table cost 3M instructions (a
# perlrun request of a script with a few `use vars` globals walked twice).
sub known_stashes {
    my %st = map { $_ => $STASH_KEYS{$_}[0] } keys %STASH_KEYS;
    my @todo = map { [$_, $st{$_}] } grep { scalar(keys %{ $st{$_} }) != $STASH_KEYS{$_}[1] } keys %st;
    while (my $t = shift @todo) {
        for my $s (sub_stashes(@$t)) {
            my ($sub, $sh) = @$s;
            next if exists $st{$sub} && $st{$sub} == $sh;
            $st{$sub} = $sh;
            push @todo, $s;
        }
    }
    return %st;
}

# new_stashes returns the packages created since %STASH_KEYS was taken, and
# updates it. Only packages whose name count changed are looked into.
# The symbol tables in %STASH_KEYS, and their name counts in one string:
# while that string is unchanged (3 us for a hundred packages) no package
# can have been created or deleted.
# $STASH_SAME is `stash_sig() eq $STASH_SIG` unrolled into one expression
# (a third of the cost: no list, no string), made by the first check that
# finds the signature unchanged and dropped with it: a script whose tables
# change at every request (perlrun) never pays for its compilation.
our (@STASH_HV, $STASH_SIG, $STASH_SAME);

sub stash_sig {
    return pack 'N*', map scalar(%$_), @STASH_HV;
}

sub new_stashes {
    if (defined $STASH_SIG) {
        if ($STASH_SAME) {
            return () if $STASH_SAME->();
        } elsif (stash_sig() eq $STASH_SIG) {
            $STASH_SAME = stash_same();
            return ();
        }
    }
    undef $STASH_SAME;
    my @new = new_stashes_scan();
    @RUN_STASHES{@new} = () if $REG_SUB;
    @STASH_HV = map { $_->[0] } values %STASH_KEYS;
    $STASH_SIG = stash_sig();
    return @new;
}

# stash_same returns a sub that tells whether every table of @STASH_HV
# still has the number of names it has now (the package is the runner's,
# whose anonymous subs' __ANON__ name exists: compiling it adds no name).
sub stash_same {
    my @h = @STASH_HV;
    local $@;
    my $same = eval('sub { ' . join(' && ', '1', map { '%{$h[' . $_ . ']} == ' . (0 + %{ $h[$_] }) } 0 .. $#h) . ' }');
    return $same && $same->() ? $same : undef;
}

sub new_stashes_scan {
    my (@new, @todo);
    for my $name (keys %STASH_KEYS) {
        my $e = $STASH_KEYS{$name};
        my $n = scalar keys %{ $e->[0] };
        next if $n == $e->[1];
        $e->[1] = $n;
        push @todo, [$name, $e->[0]];
    }
    while (my $t = shift @todo) {
        for my $s (sub_stashes(@$t)) {
            my ($sub, $sh) = @$s;
            next if exists $STASH_KEYS{$sub} && $STASH_KEYS{$sub}[0] == $sh;
            $STASH_KEYS{$sub} = [$sh, scalar keys %$sh];
            push @new, $sub;
            push @todo, $s;
        }
    }
    return @new;
}

# module_file_set returns the files of loaded modules (Module/Name.pm keys
# of %INC), each with its package (Module::Name), recomputed only when
# %INC changed size.
my ($MOD_FILES, $MOD_COUNT) = ({}, -1);
sub module_file_set {
    return $MOD_FILES if scalar(keys %INC) == $MOD_COUNT;
    my %f;
    for my $k (keys %INC) {
        # (Not the script itself: an inline module, `$INC{'My/Store.pm'}
        # = __FILE__`, is a package of the script: see script_owned.)
        next unless is_module_key($k) && defined $INC{$k} && !ref $INC{$k} && $INC{$k} ne $SCRIPT;
        # (Nor the application's own modules: their packages are the
        # script's, see APPLICATION MODULES.)
        next if app_key($k);
        $f{$INC{$k}} = key_package($k);    # the file's package
    }
    $MOD_COUNT = scalar keys %INC;
    return $MOD_FILES = \%f;
}

sub is_module_key { $_[0] =~ m{^(?:\w+/)*\w+\.pm\z} }

# app_file tells whether a file %INC names (a module's) is one of the
# application's own modules (see APPLICATION MODULES in the header): its
# real path lies in the script's directory tree (@APP_ROOTS, empty under
# registry) and not in one of perl's own directories (@INC as the runner
# started), nor in a CPAN install tree below its root (Carton's
# local/lib/perl5 beside a script at the project's top, or under a `use
# lib "$Bin/.."`: a perl5, site_perl or vendor_perl directory, as
# app_lib_roots tells a library's tree). Asked once per path: the answer
# is kept.
our (@APP_ROOTS, @APP_NOT, %APP_FILE, $APP_INC, $APP_INC_N);
sub app_file {
    my ($f) = @_;
    return 0 unless @APP_ROOTS && defined $f && !ref $f;
    return $APP_FILE{$f} //= do {
        my $rel = substr($f, 0, 1) ne '/';
        my $real = real_path($rel ? "$SCRIPT_DIR/$f" : $f);
        # (A relative name that is no file names no module's file: the
        # entry a class builder makes, Moose's '(set by Moose)' for each
        # class it makes, Class::MOP's for its immutable metaclasses, the
        # `$INC{'Foo.pm'} = 1` of a package made in place. Taken for one
        # beside the script, Class::MOP's metaclass of immutable
        # metaclasses was the application's, wiped when auto went to
        # perlrun, and every later `use Moose` died.)
        ($rel && !-e $real) ? 0 : (grep { index($real, $_) == 0 && !cpan_tree(substr($real, length)) } @APP_ROOTS)
            && !(grep { index($real, $_) == 0 } @APP_NOT) ? 1 : 0;
    };
}

# app_key tells whether the %INC key k is an application's own module's
# (app_file). Not one whose load failed once in this worker
# (forget_failed_loads undid it in place, package by package): it keeps
# today's treatment of a module, as wiping some of its packages and not
# the others would leave it half loaded.
our %APP_FAILED;
sub app_key {
    my ($k) = @_;
    return is_module_key($k) && !$APP_FAILED{$k} && app_file($INC{$k});
}

# app_scan reads the source of each application module (APPLICATION
# MODULES) loaded since it last looked, once per file, as the script's
# own source is read before compiling (named_globals), and adds what it
# names to the script's: the packages (a module's CGI.pm import_names('Q')
# and the $Q::name it reads: Q is the script's, wiped by perlrun, its
# variables restored or checked by auto) and the other modules' globals
# (its `$CGI::POST_MAX = ...`: watched). A new CGI process loads the
# module afresh, so neither may outlive the request. Not the globals of
# the packages an application module declares, nor of one's own package:
# those are the script's already. Called after a compilation whose %INC
# differs in size from the last one looked at; the watched globals are
# saved right after, so that a module's global is first seen as that
# compilation left it (one its loading sets keeps that value, as one the
# script names that a BEGIN sets, see WATCHED GLOBALS).
our ($APP_SCAN_INC, %APP_SCANNED, %APP_DECLARED) = (-1);
sub app_scan {
    $APP_SCAN_INC = scalar keys %INC;
    my @watch;
    for my $k (sort keys %INC) {
        next unless app_key($k) && !$APP_SCANNED{ $INC{$k} }++;
        open(my $fh, '<:raw', $INC{$k}) or next;
        my $n = read($fh, my $src, 4 << 20);
        close $fh;
        next unless $n;
        $src =~ s/^__(?:END|DATA)__\b.*//ms;
        my ($named, $declared, $watch) = named_globals(code_only($src));
        $NAMED{$_} = 1 for keys %$named;
        $APP_DECLARED{$_} = 1 for keys %$declared;
        push @watch, @$watch;
    }
    return unless @watch;
    my %have = map { my $p = $_->[0]; map { ("$_->[0]${p}::$_->[1]" => 1) } @{ $_->[1] } } @WATCH;
    my $added;
    for my $v (@watch) {
        my ($sigil, $full) = @$v;
        my ($pkg, $name) = $full =~ /^(.*)::(\w+)\z/ or next;
        next if $have{"$sigil$full"}++ || keys %have > 400 || $DECLARED_PKG{$pkg} || $APP_DECLARED{$pkg};
        my $file = package_key($pkg);
        next if app_key($file);
        my ($w) = grep { $_->[0] eq $pkg } @WATCH;
        push @WATCH, $w = [$pkg, [], 0, $file] unless $w;
        push @{ $w->[1] }, [$sigil, $name, 1];
        $w->[2]++;
        $added = 1;
    }
    @WATCH = sort { $a->[0] cmp $b->[0] } @WATCH if $added;
}

# real_path returns the path of the file or directory f with its symbolic
# links resolved (what /proc says of a descriptor open on it), or f with
# its . and .. resolved by name when that fails.
sub real_path {
    my ($f) = @_;
    local $!;    # (the opendir of a file fails: $! stays as it was)
    my $dh;
    if (opendir($dh, $f) || open($dh, '<', $f)) {
        my $fd = fileno($dh);
        my $r = defined $fd ? readlink("/proc/self/fd/$fd") : undef;
        return $r if defined $r && substr($r, 0, 1) eq '/';
    }
    my @p;
    for my $c (split m{/+}, $f) {
        next if $c eq '' || $c eq '.';
        if ($c eq '..') { pop @p } else { push @p, $c }
    }
    return '/' . join('/', @p);
}

# real_dirs returns the real paths of the directories, each ending in
# a /, for prefix tests.
sub real_dirs {
    return map { my $d = real_path($_); $d =~ m{/\z} ? $d : "$d/" } @_;
}

# app_roots sets @APP_ROOTS (each with a trailing /) from the script's
# directory, as the runner starts in it and as the real path of the
# script file, and @APP_NOT from perl's @INC.
sub app_roots {
    my %r;
    for my $d ($SCRIPT_DIR, real_path($SCRIPT) =~ s{/[^/]*\z}{}r) {
        my $real = real_path($d);
        $r{ $real =~ m{/\z} ? $real : "$real/" } = 1 if $real ne '/';
    }
    @APP_ROOTS = keys %r;
    @APP_NOT = real_dirs(grep { !ref && m{^/} } @INC0);
    $APP_INC = join "\0", grep { !ref } @INC0;
}

# app_lib_roots adds to @APP_ROOTS the directories the script's
# compilation put in @INC that perl's own @INC did not have (`use lib
# "$Bin/../lib"`, `use lib '/srv/app/lib'`, a setlib.cfg's unshift): the
# application's modules live there, beside the scripts rather than under
# them. Not one inside perl's own directories, nor the root, nor a CPAN
# install tree (a perl5, site_perl or vendor_perl directory in its path:
# local::lib's ~/perl5/lib/perl5, Carton's local/lib/perl5), whose
# modules are libraries, kept as perl's own. Called after each
# compilation, and at a request's end when @INC's length moved; one join
# and compare while @INC is as last seen. The answers kept for files
# (app_file, module_file_set) are asked again when a directory is added.
sub app_lib_roots {
    local $!;
    $APP_INC_N = @INC;
    my $now = join "\0", grep { !ref } @INC;
    return if $now eq $APP_INC;
    $APP_INC = $now;
    my %have = map { $_ => 1 } @APP_ROOTS;
    my %own = map { $_ => 1 } grep { !ref } @INC0;
    my $added;
    for my $d (grep { !ref && length && !$own{$_} } @INC) {
        my $real = real_path($d =~ m{^/} ? $d : "$SCRIPT_DIR/$d");
        next if !defined $real || $real eq '/' || !-d $real || cpan_tree($real);
        $real .= '/' unless $real =~ m{/\z};
        next if $have{$real}++ || grep { index($real, $_) == 0 } @APP_NOT;
        push @APP_ROOTS, $real;
        $added = 1;
    }
    return unless $added;
    %APP_FILE = ();
    $MOD_COUNT = -1;
}

# announce_libs tells the gateway the files %INC holds that are not in
# perl's own directories (@INC as perl started, less PERL5LIB's and
# PERLLIB's: an application's lib is often named there): a module of
# `use lib "$Bin/../lib"`, a `require "lib.pl"`, a PERL5LIB tree. The
# gateway watches them and retires the script's workers when one changes,
# as a new CGI process would load the new code (menshen-runner: x.pl:
# libraries: FILE FILE..., each with %, white space and control
# characters %-encoded; a module's with a // after the @INC directory it
# came from, /srv/app/lib//My/Auth.pm, so that the lib replaced as a
# whole is seen too). Each file once per worker, and no more than 2000;
# called at a request's end when %INC's count moved.
our ($LIB_N, $LIB_SAID, %LIB_TOLD, @LIB_OWN, @LIB_OWN_REAL) = (-1, 0);
sub announce_libs {
    local $!;
    if ($LIB_N < 0) {
        my %env = map { $_ => 1 } grep { length } map { split /:/ } grep { defined } @Menshen::Runner::START_ENV{qw(PERL5LIB PERLLIB)};
        @LIB_OWN = map { m{/\z} ? $_ : "$_/" } grep { !ref && m{^/} && !$env{$_} } @INC0;
        @LIB_OWN_REAL = real_dirs(@LIB_OWN);
    }
    $LIB_N = scalar keys %INC;
    my @new;
    for my $k (keys %INC) {
        my $f = $INC{$k};
        # (%LIB_TOLD has every file looked at, perl's own too: the bound
        # counts those named, else 2000 of perl's own modules left an
        # application's unnamed.)
        next if !defined $f || ref $f || $LIB_TOLD{$f}++;
        next if $LIB_SAID >= 2000 || grep { index($f, $_) == 0 } @LIB_OWN;
        my $real = real_path(substr($f, 0, 1) eq '/' ? $f : "$SCRIPT_DIR/$f");
        next if !-f $real || grep { index($real, $_) == 0 } @LIB_OWN_REAL;
        next if $real ne $f && $LIB_TOLD{$real}++;
        # (The @INC directory it came from, where the key is a path
        # under one: lib_root//My/Auth.pm.)
        if (substr($k, 0, 1) ne '/' && length($f) > length($k) + 1 && substr($f, -length($k) - 1) eq "/$k") {
            my $root = real_path(substr($f, 0, -length($k) - 1));
            $real = "$root/" . substr($real, length($root)) if $root ne '/' && index($real, "$root/") == 0;
        }
        push @new, $real =~ s/([%\s\x00-\x1f\x7f])/sprintf('%%%02X', ord $1)/ger;
        $LIB_SAID++;
    }
    # (In lines of at most about 4 KiB: the gateway cuts a worker's line
    # at 8 KiB, and a cut line named a file by a piece of its path, which
    # the gateway took for a library gone, retiring the pool after every
    # request, while the rest went to the log as the request's stderr and
    # its files were not watched: an application of a few hundred
    # modules, RT's.)
    my $line = '';
    for my $f (sort @new) {
        if (length($line) && length($line) + length($f) > 4000) {
            logmsg("libraries: $line");
            $line = '';
        }
        $line .= length($line) ? " $f" : $f;
    }
    logmsg("libraries: $line") if length $line;
}

# cpan_tree tells whether the path goes through a CPAN install tree's
# directory (perl5, site_perl, vendor_perl: local::lib's and Carton's
# lib/perl5), whose modules are libraries, not the application's.
sub cpan_tree { $_[0] =~ m{(?:^|/)(?:perl5|site_perl|vendor_perl)(?:/|\z)} }

# key_package is the package of the module key k (Module/Name.pm:
# Module::Name).
sub key_package { join '::', split m{/}, substr($_[0], 0, -3) }

# package_key is the %INC key of package pkg's module file (Mod::Name:
# Mod/Name.pm), key_package's inverse.
sub package_key { ($_[0] =~ s{::}{/}gr) . '.pm' }

# script_owned tells whether a package created during a request is the
# script's (see PACKAGES in the header).
sub script_owned {
    my ($pkg, $modfiles) = @_;
    # An anonymous class of Class::MOP (Moose::Meta::Class::__ANON__::
    # SERIAL::3: a role applied to an instance, MooseX::Getopt's
    # new_with_options as Catalyst's script runner calls it) is Class::
    # MOP's: it removes the package itself when the metaclass goes, and
    # a cached one (Moose's anonymous classes by role combination) is
    # found again by a later request. Deleted by perlrun, the next
    # request's cached class had no methods ("Can't locate object method
    # \"does\" via package ...": every Catalyst request after the first
    # a 502).
    return 0 if $pkg =~ /::__ANON__::SERIAL::\d+\z/;
    my $file = package_key($pkg);
    # A module's file in %INC makes the package the module's; the script
    # named there (the inline-module idiom, `BEGIN { $INC{'My/Store.pm'}
    # = __FILE__ }`, so that a `use parent` finds the package) does not:
    # each new process compiles the package afresh with the script.
    # An application's own module (APPLICATION MODULES) is the script's.
    if (exists $INC{$file}) {
        return 1 if app_key($file) && stash($pkg);
        return 0 unless defined $INC{$file} && ($INC{$file} eq $SCRIPT || notional_inc($INC{$file}));
    }
    my $h = stash($pkg) or return 0;
    my ($subs, $imported, $lib) = (0, 0);
    for my $k (keys %$h) {
        my $g = $h->{$k};
        my $code = entry_code($g) or next;
        my $cv = B::svref_2object($code);
        next unless $cv->isa('B::CV');
        if ($cv->XSUB) {
            return 0 if xs_made_in($cv, $pkg);
            next;
        }
        $subs++;
        my $f = $cv->FILE // '';
        if ($modfiles->{$f}) {
            # A package the script declares or names stays the script's
            # though a module made subs in it (Class::Accessor's
            # accessors, named by Sub::Name or not, the carp that
            # Class::Struct's `struct(Point => ...)` imports into Point):
            # they were compiled in another package. A sub a module file
            # compiled in this very package makes it the module's
            # (DBI::db). In another package, such subs alone make it the
            # module's (a class a module builds of its closures); beside
            # subs the script's code made (a struct() of a name the
            # script built, whose eval below is the script's), they
            # decide nothing.
            if (compiled_in($cv) ne $pkg) {
                $imported++ unless $DECLARED_PKG{$pkg} || $NAMED{$pkg} || ($lib //= lib_made($h));
                next;
            }
            return 0;
        }
        # A sub a string eval made, in a package the script's source
        # neither declares nor names, is a module's when a module's code
        # ran that eval (JSON.pm builds JSON::Backend::XS so), or when
        # code now gone ran it while the script compiled (a module file's
        # top level). A package the script names (a plugin a loader
        # module evals for it: Plug::add(...)) stays the script's, as
        # does one made at run time by code now gone.
        if ($f =~ /^\(eval \d+\)/ && !$NAMED{$pkg} && !$DECLARED_PKG{$pkg}) {
            my $by = eval_caller_file($cv);
            if (defined $by) {
                # (A module's eval at run time of code the script hands
                # it, `package $name; ...`, makes the script's package,
                # unless it is in the module's own name space.)
                my $mp = $modfiles->{$by};
                return 0 if $mp && ($COMPILE_PKG{$pkg} || $pkg eq $mp || index($pkg, "${mp}::") == 0);
            } elsif ($COMPILE_PKG{$pkg}) {
                return 0;
            }
        }
    }
    return 0 if $imported && $imported == $subs;
    return 1 if $subs;
    # No subs: a package a loaded module declares (Foo.pm's `package
    # Foo::Codes; our %CODES = (...)`) is the module's, though the
    # script's source names it and made it as it compiled, before the
    # module was required; not when that module is the application's
    # own (APPLICATION MODULES): the script's, as its subs' package is.
    my $dm = $DECLARED_PKG{$pkg} ? undef : declaring_module($pkg);
    return 0 if defined $dm && !app_key($dm);
    # Else the script's if its source names it, or a library of its
    # made names in it, and it holds no package that is not (CGI holds
    # CGI::Carp). The application's own modules are the script's code
    # here too: a package one declares (`package AppLog; our @lines` in
    # its file, app_scan), or one inside an application module's package
    # (My::Reg::Store in My/Reg.pm, the classes it makes at run time,
    # `@{"${me}::Gen::${name}::ISA"}`, and the package that holds them):
    # perlrun wipes them with the module's own package, whose file the
    # next compilation then loads afresh (drop_libs), as its file-scoped
    # `my` that remembers them.
    return 0 unless $NAMED{$pkg} || $DECLARED_PKG{$pkg} || $APP_DECLARED{$pkg} || app_inside($pkg)
        || ($lib // lib_made($h));
    for my $k (keys %$h) {
        next unless $k =~ /^(.+)::\z/;
        return 0 unless script_owned("${pkg}::$1", $modfiles);
    }
    return 1;
}

# xs_made_in tells whether the XS sub $cv (a B::CV) was made in package
# pkg by a shared object, in a package neither the script's source nor an
# application module declares: MIME::Base64's object makes
# MIME::QuotedPrint::encode_qp, BackupPC::XS's makes the subs of
# BackupPC::XS::Lib, which BackupPC::Lib calls by their full names. The
# package is then the module's: an object is bootstrapped once per
# process (its module stays in %INC), so a package deleted after the
# first request came back empty, and every later call died "Undefined
# subroutine" (BackupPC's CGI: a 500 from the second request on). Not a
# constant (`use constant`, `sub () { 1 }`: perl makes those XS subs), nor
# the accessors an XS class builder makes in a class the script declares
# (Class::XSAccessor), which its next compilation makes again.
sub xs_made_in {
    my ($cv, $pkg) = @_;
    return 0 if $cv->CvFLAGS & B::CVf_CONST() || $DECLARED_PKG{$pkg} || $APP_DECLARED{$pkg};
    my $gv = $cv->GV;
    return 0 if !$gv || $gv->isa('B::SPECIAL');
    my $st = $gv->STASH;
    return $st && $st->can('NAME') && ($st->NAME // '') eq $pkg ? 1 : 0;
}

# notional_inc tells whether an %INC value names no file: a relative name
# that is none (app_file). Such an entry, a class builder's (Moose's
# '(set by Moose)' for a class the script declares), makes no module:
# whose package it is, its subs tell, as for a package without one.
our %NOTIONAL_INC;
sub notional_inc {
    my ($v) = @_;
    return 0 if ref $v || substr($v, 0, 1) eq '/';
    return $NOTIONAL_INC{$v} //= -e "$SCRIPT_DIR/$v" ? 0 : 1;
}

# app_inside tells whether package pkg lies inside the package of an
# application's own module (My::Reg::Store inside My/Reg.pm's My::Reg).
sub app_inside {
    my ($p) = @_;
    while ($p =~ s/::\w+\z//) {
        (my $key = "$p.pm") =~ s{::}{/}g;
        return 1 if exists $INC{$key} && app_key($key);
    }
    return 0;
}

# lib_made tells whether a name in the symbol table h was made by a library
# the script loaded: a file %INC lists under a name that is no
# Module/Name.pm (require "lib.pl", do FILE), which perlrun loads again for
# every request (drop_libs), or an application's own module (a package of
# variables its file declares under another name: `package AppLog; our
# @lines`). Perl keeps the file whose code made a glob
# (GvFILE). A Perl 4 library's package has no sub of its own: `package
# hitlib; sub main'hit { $hits++ }` puts the sub in main, and only its
# variables and handles (a lock's) are in hitlib. (Not a string eval's
# names: whose eval it was, a glob does not tell.)
sub lib_made {
    my ($h) = @_;
    my %lib;
    for my $k (keys %INC) {
        my $v = $INC{$k};
        $lib{$v} = 1 if defined $v && !ref $v && (!is_module_key($k) || app_key($k));
    }
    return 0 unless %lib;
    for my $k (keys %$h) {
        next if $k =~ /::\z/;
        my $g = \$h->{$k};
        next unless ref $g eq 'GLOB';
        my $f = B::svref_2object($g)->FILE;
        return 1 if defined $f && $lib{$f};
    }
    return 0;
}

# compiled_in returns the package a sub was compiled in, or "".
sub compiled_in {
    my ($cv) = @_;
    my $st = $cv->STASH;
    return $st && $st->can('NAME') ? $st->NAME // '' : '';
}

# eval_caller_file returns the file of the code that ran the string eval
# which compiled the sub $cv (a B::CV), or nothing when that code is gone
# (a module file's top level, freed once it was required). A named sub
# holds the eval's compilation unit as its CvOUTSIDE, which holds the sub
# that ran the eval (a counted reference each, so the chain is alive);
# nested evals are walked through.
sub eval_caller_file {
    my ($cv) = @_;
    for (my $n = 0; $n < 64 && $cv && $cv->isa('B::CV'); $n++) {
        my $f = $cv->FILE;
        return $f if defined $f && $f ne '' && $f !~ /^\(eval \d+\)/;
        $cv = $cv->OUTSIDE;
    }
    return undef;
}

sub delete_package {
    my ($pkg) = @_;
    my ($parent, $leaf) = $pkg =~ /^(?:(.*)::)?([^:]+)\z/ or return;
    my $ph = defined $parent ? stash($parent) : \%main::;
    return unless $ph;
    my $h = stash($pkg) or return;
    if (exists $INC{'CGI/Application.pm'} and my $cb = cgiapp_callbacks()) {
        ref $_ eq 'HASH' and delete $_->{$pkg} for values %$cb;
    }
    # Free the contents first, so DESTROY and closes happen now.
    my @nested;
    for my $k (keys %$h) {
        push(@nested, $k), next if $k =~ /::\z/;
        close_glob_io($h->{$k});
        delete $h->{$k};
    }
    # The packages inside it go with it, and out of %STASH_KEYS: found
    # through its table, not by a look at every known package's name
    # (once per package deleted, that made perlrun quadratic in the
    # packages loaded: an application of 300 modules spent 19 ms a
    # request there).
    my (@gone, %seen) = ($pkg);
    my @todo = map { [$pkg, $_, $h] } @nested;
    while (my $t = shift @todo) {
        my ($outer, $k, $oh) = @$t;
        my $g = $oh->{$k};
        my $sh = defined $g && ref(\$g) eq 'GLOB' ? *{$g}{HASH} : undef;
        next if !$sh || $seen{ Scalar::Util::refaddr($sh) }++;
        my $name = "${outer}::" . substr($k, 0, -2);
        push @gone, $name;
        push @todo, map { [$name, $_, $sh] } grep { /::\z/ } keys %$sh;
    }
    delete $ph->{"${leaf}::"};
    delete @STASH_KEYS{@gone};
    # The parent's name count is the new baseline: a package of the same
    # name made again later must show as a change.
    my $pe = $STASH_KEYS{ defined $parent ? $parent : 'main' };
    $pe->[1] = scalar keys %$ph if $pe && $pe->[0] == $ph;
    undef $STASH_SIG;
    # Locale::Maketext keeps references to each class's %Lexicon (in a
    # lexical of its own): a lexicon class the script declared would be
    # looked up in the deleted package's hash from then on.
    if (exists $INC{'Locale/Maketext.pm'} and my $clear = loaded_sub('Locale::Maketext', 'clear_isa_scan')) {
        $clear->();
    }
    forget_package($pkg);
}

# PACKAGES MODULES REMEMBER. Some modules note a package by its name, in
# a hash of their own, the first time they serve it, and serve it no
# more: Log::Log4perl's import (%IMPORT_CALLED: a second `use
# Log::Log4perl qw(:easy)` in a package exports neither $DEBUG nor DEBUG,
# and `use strict` makes every perlrun compilation after the first a
# 502), Moo's (%MAKERS: a second `use Moo` in a package makes no class of
# it, `Visitor->new` fails), Role::Tiny's roles and the classes they were
# applied to, Class::MOP's metaclasses (a Moose class declared in the
# script: the deleted class's attributes, its immutable metaclass that
# refuses `has`). A package perlrun deletes, or main whose symbols it
# deletes, is new to the next compilation, as in a new process: those
# entries go with it. Each entry: a module file, then the package and
# name of a hash it keeps (or of a scalar holding a hash ref, '$name'),
# keyed by package.
my @PKG_REGISTRIES = (
    ['Log/Log4perl.pm', 'Log::Log4perl', 'IMPORT_CALLED', '$EASY_CLOSURES'],
    ['Moo.pm', 'Moo', 'MAKERS'],
    ['Moo/Object.pm', 'Moo::Object', 'NO_BUILD', 'NO_DEMOLISH'],
    ['Moo/Role.pm', 'Moo::Role', 'INFO', 'APPLIED_TO', 'APPLY_DEFAULTS'],
    ['Role/Tiny.pm', 'Role::Tiny', 'INFO', 'APPLIED_TO'],
);

# forget_package takes the package pkg out of the registries above, and
# its metaclass out of Class::MOP's. Cost: a count of %INC per package
# deleted (and per perlrun request, for main); which of those modules are
# loaded is looked up again when the count moved.
our ($FORGET_INC_N, @FORGET_LOADED, $FORGET_MOP, $FORGET_D2) = (-1);
sub forget_package {
    my ($pkg) = @_;
    if ($FORGET_INC_N != keys %INC) {
        $FORGET_INC_N = keys %INC;
        @FORGET_LOADED = grep { exists $INC{ $_->[0] } } @PKG_REGISTRIES;
        $FORGET_MOP = exists $INC{'Class/MOP.pm'};
        $FORGET_D2 = exists $INC{'Dancer2.pm'};
    }
    for my $r (@FORGET_LOADED) {
        my ($file, $mod, @names) = @$r;
        my $h = stash($mod) or next;
        for my $name (@names) {
            my $scalar = $name =~ s/^\$//;
            my $g = $h->{$name};
            next unless defined $g && ref(\$g) eq 'GLOB';
            my $hv = $scalar ? ${ *{$g}{SCALAR} } : *{$g}{HASH};
            delete $hv->{$pkg} if ref $hv eq 'HASH';
        }
    }
    # Dancer2 keeps the app of each package that said `use Dancer2` in
    # its runner ($Dancer2::runner->apps), and a later `use Dancer2` in
    # that package takes the app it finds there: every perlrun
    # compilation added its routes and hooks to the first request's app,
    # whose callbacks (over the first request's lexicals) answered.
    # (Through its symbol table: naming $Dancer2::runner here would make
    # the package in every worker.)
    my $d2 = $FORGET_D2 ? stash('Dancer2') : undef;
    my $d2g = $d2 ? $d2->{runner} : undef;
    if (defined $d2g && ref(\$d2g) eq 'GLOB' and my $runner = ${ *{$d2g}{SCALAR} }) {
        my $apps = Scalar::Util::blessed($runner) && Scalar::Util::reftype($runner) eq 'HASH' ? $runner->{apps} : undef;
        if (ref $apps eq 'ARRAY') {
            @$apps = grep { !(Scalar::Util::blessed($_) && Scalar::Util::reftype($_) eq 'HASH' && ($_->{name} // '') eq $pkg) } @$apps;
            delete $runner->{postponed_hooks}{$pkg} if ref $runner->{postponed_hooks} eq 'HASH';
        }
    }
    if ($FORGET_MOP and my $rm = loaded_sub('Class::MOP', 'remove_metaclass_by_name')) {
        local ($@, $!);
        eval { $rm->($pkg); 1 };
    }
}

# close_glob_io closes a glob's handle as a process exit does, and
# reports whether the handle is one a request ends (closed now, or
# already): not a standard handle, nor one the registry keeps.
sub close_glob_io {
    my ($g) = @_;
    return 0 unless ref(\$g) eq 'GLOB';
    my $io = *{$g}{IO} or return 0;
    return 0 if $io == *main::STDIN{IO} || $io == *main::STDOUT{IO} || $io == *main::STDERR{IO};
    # Between requests (auto's switch to perlrun wipes then) the standard
    # globs hold the idle handles, and the ones kept for the next request
    # are apart: a glob sharing one (*OUT = *STDOUT{IO}) must not close it.
    return 0 if ($KEEP_OUT && $io == $KEEP_OUT) || ($KEEP_ERR && $io == $KEEP_ERR);
    # One the registry's compilation opened (BEGIN { open LOG, ... }) serves
    # every request of that compilation, as under mod_perl.
    return 0 if $REG_SUB && $REG_OPEN_IO{ Scalar::Util::refaddr($io) };
    if (tied *{$g}) {
        # A tied handle (tie *LOG, 'Logger'): its object goes as at a
        # process's exit, with its DESTROY (fileno would ask the class
        # for a FILENO it may not have).
        untie_var(\*{$g}, 'GLOB');
        return 1;
    }
    return 1 unless io_open($io);
    # A directory handle (opendir D without closedir) goes in silence, as
    # at a process's exit. fileno answers for it too, but close() on an
    # IO that holds no file fails (EBADF) and would warn. (An IO holds a
    # directory or a file, never both: perl refuses to open the other.)
    local $!;
    if (defined do { no warnings; telldir($io) }) {
        closedir($io);
        return 1;
    }
    # A CGI process's exit flushes STDOUT before it closes the other
    # handles: what a dup of STDOUT still buffers comes after.
    if ($OUT_LIVE > 1 && !$OUT_DONE && stdout_dup($g)) {
        eval { *main::STDOUT{IO}->flush } if *main::STDOUT{IO};
    }
    # And it says so when that close fails, in perl's words: a buffered
    # write that could not be made (a full disk, a reader gone) leaves no
    # other trace. (A piped open's program that failed is no such
    # failure: $! is 0 then.)
    warn "Warning: unable to close filehandle properly: $! during global destruction.\n"
        if !close($io) && $!;
    return 1;
}

# io_open reports whether an IO is open.
sub io_open { defined eval { fileno($_[0]) } || eval { $_[0]->opened } }

# stdout_dup reports whether a glob's handle writes to the FCGI_STDOUT
# stream (a dup of the script's STDOUT: the runner's via layer is in it).
sub stdout_dup {
    return grep { $_ eq 'via(Menshen::Runner::Out)' } PerlIO::get_layers($_[0], output => 1);
}

# named_glob returns the glob [package, name] names, if it has an IO.
sub named_glob {
    my ($pn) = @_;
    my $h = stash($pn->[0]) or return;
    my $g = $h->{$pn->[1]};
    return unless defined $g && ref(\$g) eq 'GLOB' && *{$g}{IO};
    return $g;
}

# A perlrun compilation is freed after its request: its subs hold each
# other through their symbols (subs that call each other or themselves),
# and the one the wrapper calls holds the wrapper (named subs hold the
# sub they were compiled in), so deleting the symbols frees none of them
# and every request's compilation would stay in memory (gitweb: 5 MB a
# request). Its own subs and the wrapper are emptied instead
# (free_compilation). But while something else still holds one of them
# (a module keeps a handler: CGI::Carp's set_message, `$Cache{h} ||=
# \&handler`; a %SIG entry until restore_sig), the compilation is kept
# whole, as before, and freed at the end of a later perlrun request once
# the holder has let go (release_held): a module calling a kept sub gets
# the old code, as it always did, never an undefined sub.
our @HELD;    # [wrapper, [subs], {sub's address => REFCNT with its holder}]

# script_cvs returns the subs a perlrun compilation defined in a package,
# its own only: a sub whose name is that symbol's (not one imported from
# a module, nor an anonymous one stored there).
sub script_cvs {
    my ($h, $pkg, $names) = @_;
    return () unless $h;
    my @cvs;
    for my $k (@$names) {
        next unless exists $h->{$k};
        my $cv = entry_code($h->{$k}) or next;
        push @cvs, $cv if Sub::Util::subname($cv) eq "${pkg}::$k" && !B::svref_2object($cv)->XSUB;
    }
    return @cvs;
}

# clear_script_vars empties the script's package variables (spaces as for
# destruct_objects; a module's variable imported into them is left alone),
# as the end of a CGI process does: their data can then hold none of the
# compilation's subs (`$Cache{h} = \&handler` in the script's own hash is
# no holder), nor keep a structure that refers to itself alive.
sub clear_script_vars {
    my ($spaces) = @_;
    # Not ${^OPEN} and the like: perl's.
    clear_var($_->[0]) for script_vars($spaces, sub { $_[0] =~ /\A[A-Za-z_]\w*\z/ });
}

# clear_var empties a variable (given by reference) unless it is
# read-only. A tied one is untied: the exit of a CGI process destroys its
# tie object, whose DESTROY may save what the request did (a session
# written back, Apache::Session style) or print; the variable is left
# untied and empty.
sub clear_var {
    my ($ref) = @_;
    my $t = Scalar::Util::reftype($ref);
    return if untie_var($ref, $t);
    if ($t eq 'ARRAY') {
        @$ref = ();
    } elsif ($t eq 'HASH') {
        %$ref = ();
    } elsif (!Scalar::Util::readonly($$ref)) {
        eval { $$ref = undef };
    }
}

# untie_var unties a tied variable (reference, its reftype) and reports
# whether it was tied. (An untie the tie class refuses, or a DESTROY that
# dies, is the script's error: logged as perl would warn of it.)
sub untie_var {
    my ($ref, $t) = @_;
    my $tied = $t eq 'ARRAY' ? tied @$ref : $t eq 'HASH' ? tied %$ref : ($t eq 'SCALAR' || $t eq 'REF') ? tied $$ref
        : $t eq 'GLOB' ? tied *$ref : undef;
    return 0 unless $tied;
    # A process's exit destroys the tie object without calling its UNTIE
    # (perl's untie calls it): for the untie, the object's class has an
    # UNTIE that does nothing, in front of its own or an inherited one.
    # (Not a rebless: a read-only object, a locked hash, cannot take one.)
    my $class = Scalar::Util::blessed($tied);
    my $quiet = defined $class && eval { $class->can('UNTIE') };
    my $st = $quiet ? stash($class) : undef;
    my $had = $st && exists $st->{UNTIE};
    undef $tied;
    my $ok = eval {
        no strict 'refs';
        no warnings qw(untie redefine);
        local *{"${class}::UNTIE"} = sub { } if $quiet;
        if ($t eq 'ARRAY') { untie @$ref } elsif ($t eq 'HASH') { untie %$ref } elsif ($t eq 'GLOB') { untie *$ref } else { untie $$ref }
        1;
    };
    my $err = $@;
    # (An inherited UNTIE: the name made in the class goes again.)
    delete $st->{UNTIE} if $st && !$had;
    printf STDERR '%s', "(in cleanup) $err" if !$ok && defined $err && $err ne '';
    return 1;
}

# pad_refs returns references to the file-scope lexicals of a perlrun
# compilation (its wrapper's pad), taken before the call: the SVs its
# named subs captured (`my $db = DB->new; sub query { $db->... }`), which
# perl leaves to them when the wrapper returns, putting new ones in the
# pad. Emptied with clear_var once the request is done, as the end of a
# CGI process would: their objects are destroyed while their class exists
# and STDOUT still reaches the client, `my %dispatch = (x => \&x)` holds
# none of its subs then, nor a structure that refers to itself alive.
# (`our` entries are the package variables': clear_script_vars.)
sub pad_refs {
    my ($wrapper) = @_;
    my $pl = B::svref_2object($wrapper)->PADLIST;
    return [] unless $pl && $pl->can('ARRAY');
    my ($names, $pad) = $pl->ARRAY;
    return [] unless $names && $names->can('ARRAY') && $pad && $pad->can('ARRAY');
    # (The names only: a B object for each of the pad's values, most of
    # them the ops' targets and constants, cost as much again.)
    my @names = $names->ARRAY;
    my $fill = $pad->FILL;
    my @refs;
    for my $i (1 .. $fill) {
        my $n = $names[$i];
        next unless ref($n) eq 'B::PADNAME' && ($n->PVX // '') =~ /^[\$\@%]./ && !($n->FLAGS & B::PADNAMEt_OUR());
        my $sv = $pad->ARRAYelt($i);
        next if !$sv || $sv->isa('B::SPECIAL') || !$sv->can('object_2svref');
        my $ref = $sv->object_2svref;
        next unless Scalar::Util::reftype($ref) =~ /\A(?:ARRAY|HASH|SCALAR|REF)\z/;
        # Weak: one that no sub captured is freed when the wrapper returns,
        # before the END blocks, as a main program's are.
        push @refs, $ref;
        Scalar::Util::weaken($refs[-1]);
    }
    return \@refs;
}

# held_cvs returns the addresses of the subs of cvs that something holds
# besides their symbol table entry, cvs itself (which must still hold
# them), and the named subs compiled inside them (a sub in a sub holds
# the one it was compiled in). (Addresses: a list of the subs would hold
# them too.)
sub held_cvs {
    my ($cvs) = @_;
    my %inner;
    for my $cv (@$cvs) {
        my $b = B::svref_2object($cv);
        next if $b->CvFLAGS & B::CVf_WEAKOUTSIDE();
        my $out = $b->OUTSIDE;
        $inner{ $$out }++ if $out && !$out->isa('B::SPECIAL');
    }
    return map { Scalar::Util::refaddr($_) }
        grep { B::svref_2object($_)->REFCNT > 2 + ($inner{ Scalar::Util::refaddr($_) } // 0) } @$cvs;
}

# keep_or_free frees a perlrun compilation (its wrapper, its own subs cvs)
# at once, or, when held_cvs found holders before the symbols were wiped,
# keeps it until they let go.
sub keep_or_free {
    my ($wrapper, $cvs, $held) = @_;
    if (!@$held) {
        free_compilation($wrapper, $cvs);
        return;
    }
    my %held = map { $_ => 1 } @$held;
    push @HELD, [$wrapper, $cvs, { map { (Scalar::Util::refaddr($_) => B::svref_2object($_)->REFCNT) }
        grep { $held{ Scalar::Util::refaddr($_) } } @$cvs }];
    # A module that keeps one from every request keeps them all, as it
    # would have before: only the newest few are watched.
    shift @HELD while @HELD > 8;
}

# release_held frees the kept compilations whose holders have all let go
# (a held sub's count is below what it was with its holder).
sub release_held {
    @HELD = grep {
        my ($wrapper, $cvs, $with) = @$_;
        my $gone = !grep { B::svref_2object($_)->REFCNT >= $with->{ Scalar::Util::refaddr($_) } }
            grep { exists $with->{ Scalar::Util::refaddr($_) } } @$cvs;
        free_compilation($wrapper, $cvs) if $gone;
        !$gone;
    } @HELD;
}

sub free_compilation {
    my ($wrapper, $cvs) = @_;
    undef &$_ for @$cvs;
    undef &$wrapper if $wrapper;
}

# wipe_main deletes the main:: symbols the script created, and closes the
# handles in them.
# (names: the script's symbols, script_symbols(), when the caller has them.)
sub wipe_main {
    my ($names) = @_;
    $names ||= script_symbols();
    for my $k (@$names) {
        my $g = $main::{$k};
        close_glob_io($g);
    }
    for my $k (@$names) {
        delete $main::{$k};
    }
    forget_package('main');
}

# script_symbols returns the main:: symbols (not packages) made since the
# runner started: the script's.
sub script_symbols {
    return [grep { !exists $MAIN0{$_} && !/::\z/ } keys %main::];
}

# wipe_packages deletes the packages the script created since the last
# call. A package a module keeps (Data::Dumper) keeps its parents (Data).
sub wipe_packages {
    delete_package($_) for @_;
}

# owned_packages returns the packages the script created since the last
# call (or, given packages, those of them) that wipe_packages must delete,
# deepest first.
sub owned_packages {
    my @new = @_ ? @_ : new_stashes();
    return unless @new;
    my $mod = module_file_set();
    my (%keep, @owned);
    for my $pkg (sort { ($b =~ tr/:/:/) <=> ($a =~ tr/:/:/) } @new) {
        if (!$keep{$pkg} && script_owned($pkg, $mod)) {
            push @owned, $pkg;
            next;
        }
        my $p = $pkg;
        $keep{$p} = 1 while $p =~ s/::[^:]+\z//;
    }
    return grep { !$keep{$_} && stash($_) } @owned;
}

# scan_script_globs closes the handles a request left open on the registry
# compilation's main:: globs, as a CGI process's exit would, and returns
# the names of its light symbols (empty after compilation) that hold data
# or a tie now: only those and the heavy ones can hold an object. One pass:
# it visits every name the script imported, every request.
sub scan_script_globs {
    my @held;
    for my $s (@REG_SCAN) {
        my $k = $s->[0];
        next unless exists $main::{$k};
        my $g = \$main::{$k};    # (the entry itself: see registry_changed)
        next unless ref $g eq 'GLOB';
        if (my $io = *{$g}{IO}) {
            # A standard handle's IO that a request put in another glob
            # (*DEBUG = *STDOUT{IO} if ...) would write into every later
            # page: the glob gets an unopened IO, as a new process has it
            # (not when the compilation put it there: BEGIN's is kept).
            new_io($g) if !close_glob_io($$g) && !$REG_OPEN_IO{ Scalar::Util::refaddr($io) }
                && ($io == *main::STDOUT{IO} || $io == *main::STDERR{IO} || $io == *main::STDIN{IO});
        }
        next unless $s->[1];
        my ($sv, $av, $hv) = (*{$g}{SCALAR}, *{$g}{ARRAY}, *{$g}{HASH});
        push @held, $k if tied $$sv || defined $$sv || ($av && (tied @$av || @$av)) || ($hv && (tied %$hv || %$hv));
    }
    return @held;
}

# destruct_objects does for the script's package variables what the global
# destruction of a CGI process does after its END blocks: every reference
# to an object held in them (directly, or inside unblessed arrays, hashes
# and scalar refs) is undefined, so the objects' DESTROY methods run now,
# while STDOUT still goes to the client and their classes still exist
# (wipe_main and delete_package free them too, but the script's subs keep
# its compiled code, and so its variables, alive until its packages are
# gone). The order among objects is the runner's (a process's is perl's
# arena order, which varies too); ${^GLOBAL_PHASE} says RUN, not DESTRUCT.
# It returns the name of the first variable that held one, or nothing.
# module_import reports, for the $slot variable ($ref) of the glob named
# $k that is not alone (see script_vars), whether it is a package's not
# the script's own, found under the same name there: imported (perl flags
# the glob), or aliased by the script. `use vars` imports a package's own
# variable into itself: not a module's.
# undef: only a walk of the symbol tables can tell (resolve_imports).
# Hits are remembered by address, with the package and name, and checked: a
# module's variables live on, but a freed one's address can be reused.
# Misses are remembered too while nothing can have changed the answer: in
# registry (the script's variables live as long as its one compilation)
# and while no module was loaded (a new module's variable could take a
# freed address). Without that, a `use vars` variable holding data (its
# glob is flagged imported) cost a walk of every symbol table per request:
# scripts/report.pl went from 254 to 201 req/s at c=1.
# An entry is [package, name, slot]. One whose variable is gone stays
# until its address comes up again, so a module that makes a new variable
# at each import (perlrun imports every request) would add one a request
# for as long as the worker lives: when the table reaches
# $MODULE_VAR_ROOM, the stale entries are dropped and the room set to
# twice what is left (at least 64).
our (%MODULE_VAR, %NOT_MODULE_VAR, $NOT_MODULE_KEY);
our $MODULE_VAR_ROOM = 64;
sub module_var_live {
    my ($m, $addr) = @_;
    my $h = stash($m->[0]);
    my $e = $h && exists $h->{ $m->[1] } ? \$h->{ $m->[1] } : undef;
    my $now = $e && ref $e eq 'GLOB' ? *{$e}{ $m->[2] } : undef;
    return $now && Scalar::Util::refaddr($now) == $addr;
}
sub remember_module_var {
    my ($addr, $pkg, $k, $slot) = @_;
    if (keys %MODULE_VAR >= $MODULE_VAR_ROOM) {
        module_var_live($MODULE_VAR{$_}, $_) or delete $MODULE_VAR{$_} for keys %MODULE_VAR;
        $MODULE_VAR_ROOM = 2 * keys %MODULE_VAR;
        $MODULE_VAR_ROOM = 64 if $MODULE_VAR_ROOM < 64;
    }
    $MODULE_VAR{$addr} = [$pkg, $k, $slot];
}
sub module_import {
    my ($k, $slot, $ref) = @_;
    my $addr = Scalar::Util::refaddr($ref);
    if (my $m = $MODULE_VAR{$addr}) {
        # Still that package's variable: a freed one's address can be a
        # new variable's, the script's own.
        return 1 if $m->[2] eq $slot && module_var_live($m, $addr);
        delete $MODULE_VAR{$addr};
    }
    if ($REG_SUB) {
        my $key = Scalar::Util::refaddr($REG_SUB) . ':' . scalar(keys %INC);
        if (!defined $NOT_MODULE_KEY || $NOT_MODULE_KEY ne $key) {
            %NOT_MODULE_VAR = ();
            $NOT_MODULE_KEY = $key;
        }
        return 0 if $NOT_MODULE_VAR{"$k $slot $addr"};
    }
    return undef;
}

# resolve_imports answers module_import's undecided cases ([name, slot,
# ref]...) with one walk of the symbol tables not the script's own: a
# variable found under its name in one of them is that package's. It
# returns the refs of the script's own. (One walk for all: perlrun, whose
# variables are new every request, remembers nothing, and awstats' few
# hundred `use vars` globals cost a walk each, 45 ms a request.)
sub resolve_imports {
    my ($cands, $own) = @_;
    my %want = map { $_->[0] => 1 } @$cands;
    my @want = keys %want;
    my %st = known_stashes();
    my %theirs;
    for my $pkg (keys %st) {
        next if $own->{$pkg};
        my $sh = $st{$pkg};
        # (An rvalue slice, in one op: no name is created.)
        my @g = @want < keys %$sh ? @$sh{@want} : @$sh{ grep { $want{$_} } keys %$sh };
        for my $g (@g) {
            next unless defined $g && ref(\$g) eq 'GLOB';
            for my $slot (qw(SCALAR ARRAY HASH)) {
                my $r = *{$g}{$slot} or next;
                $theirs{ Scalar::Util::refaddr($r) } = $pkg;
            }
        }
    }
    my @mine;
    for my $c (@$cands) {
        my ($k, $slot, $ref) = @$c;
        my $addr = Scalar::Util::refaddr($ref);
        if (my $pkg = $theirs{$addr}) {
            remember_module_var($addr, $pkg, $k, $slot);
            next;
        }
        $NOT_MODULE_VAR{"$k $slot $addr"} = 1 if $REG_SUB;
        push @mine, $ref;
    }
    return @mine;
}

# script_vars returns [ref, name] for each package variable of spaces
# ([symbol table, package, [names]]...) that keep (name, slot, ref)
# accepts and that is the script's own: a module's own variable imported
# into the script's package ($DB_HASH from DB_File) is module state, which
# destroying or clearing would break.
sub script_vars {
    my ($spaces, $keep) = @_;
    my (@vars, @undecided, %names);
    my %own = map { $_->[1] => 1 } @$spaces;
    for my $sp (@$spaces) {
        my ($h, $pkg, $names) = @$sp;
        next unless $h;
        for my $k (@$names) {
            next unless exists $h->{$k};
            my $g = \$h->{$k};    # (the entry itself: see registry_changed)
            next unless ref $g eq 'GLOB';
            my $gv;    # (its B object: made once, for the first slot kept)
            for my $slot (qw(SCALAR ARRAY HASH)) {
                my $ref = *{$g}{$slot} or next;
                next unless $keep->($k, $slot, $ref);
                $gv //= B::svref_2object($g);
                # A glob of its own (no `*x = *Mod::x` shares it) whose
                # variable has no holder but it and $ref: no other package
                # can have it under any name. The common case, a `use
                # vars` or `our` global, answers here without a walk (perl
                # code reaches package variables through their globs: no
                # count). Else the variable may be a module's: imported
                # (perl flags the glob), or aliased by the script itself
                # (`*list = *Mod::list`, which perl does not flag).
                my $alone = $gv->GvREFCNT == 1 && ($slot eq 'HASH' ? Internals::SvREFCNT(%$ref)
                    : $slot eq 'ARRAY' ? Internals::SvREFCNT(@$ref) : Internals::SvREFCNT($$ref)) == 2;
                my $import = $alone ? 0 : module_import($k, $slot, $ref);
                next if $import;
                my $name = "$SIGIL{substr $slot, 0, 1}${pkg}::$k";
                if (defined $import) {
                    push @vars, [$ref, $name];
                } else {
                    push @undecided, [$k, $slot, $ref];
                    $names{ Scalar::Util::refaddr($ref) } = $name;
                }
            }
        }
    }
    push @vars, map { [$_, $names{ Scalar::Util::refaddr($_) }] } resolve_imports(\@undecided, \%own) if @undecided;
    return @vars;
}

sub destruct_objects {
    my ($spaces, $dups_only) = @_;     # [symbol table, package, [names]]...
    my ($first, %seen, @dups, @drop);
    my $budget = 100_000;
    # Only variables that hold a reference, or hold anything at all, or
    # are tied (a tie object is destroyed at a process's exit: untied
    # here, unless only the dups of STDOUT go).
    my @untie;
    my @todo = script_vars($spaces, sub {
        my (undef, $slot, $ref) = @_;
        # (tied first: counting a tied hash's keys would call its class.)
        return $slot eq 'SCALAR' ? tied $$ref || ref $$ref : $slot eq 'ARRAY' ? tied @$ref || @$ref : tied %$ref || %$ref;
    });
    while (my $t = shift @todo) {
        my ($r, $name) = @$t;
        next if --$budget < 0 || $seen{ Scalar::Util::refaddr($r) }++;
        my $type = Scalar::Util::reftype($r);
        # (References to the elements that hold references: grep passes
        # on the elements themselves, and most hold plain values.)
        my @slots;
        if ($type eq 'ARRAY') {
            push(@untie, $t), next if tied @$r;
            @slots = \(grep { ref } @$r);
        } elsif ($type eq 'HASH') {
            push(@untie, $t), next if tied %$r;
            @slots = \(grep { ref } values %$r);
        } elsif ($type eq 'SCALAR' || $type eq 'REF') {
            push(@untie, $t), next if tied $$r;
            @slots = ($r);
        }
        for my $sv (@slots) {
            my $v = $$sv;
            next unless ref $v;
            if (defined Scalar::Util::blessed($v)) {
                push @drop, [$sv, $name] unless Scalar::Util::readonly($$sv);
            } elsif (ref $v eq 'GLOB' && *{$v}{IO} && io_open(*{$v}{IO}) && stdout_dup(*$v)) {
                # A dup of STDOUT in a variable (`our $OUT; open $OUT,
                # '>&', \*STDOUT`): closed while the answer is open.
                push @dups, [$v, $name];
            } elsif (ref $v eq 'CODE') {
                # A closure the script made (`our $cur = sub { $obj->... }`)
                # holds what it captured: dropped, its objects go too.
                my $cv = B::svref_2object($v);
                next unless $cv->CvFLAGS & B::CVf_CLONED() && from_script($cv->FILE) && !Scalar::Util::readonly($$sv);
                push @drop, [$sv, $name];
            } else {
                push @todo, [$v, $name];
            }
        }
    }
    # As a process's exit: STDOUT flushed, the dups of it closed, then the
    # objects destroyed (their DESTROY output after the dups').
    if (@dups) {
        eval { *main::STDOUT{IO}->flush } if *main::STDOUT{IO};
        for my $d (@dups) {
            close(*{ $d->[0] });
            $first //= $d->[1];
        }
    }
    @drop = () if $dups_only;
    for my $d (@drop) {
        undef ${ $d->[0] };
        $first //= $d->[1];
    }
    @untie = () if $dups_only;
    for my $u (@untie) {
        untie_var($u->[0], Scalar::Util::reftype($u->[0]));
        $first //= $u->[1];
    }
    return $first;
}

# drop_libs forgets files the script required that are not modules, so the
# next request loads them again, and %INC entries the script's run set by
# hand. compiled (optional) holds the keys there were once the script was
# compiled: what a module set as it loaded stays with the module.
sub drop_libs {
    my ($before, $compiled) = @_;
    for my $k (keys %INC) {
        next if exists $before->{$k};
        # A Name.pm that made no package Name is a library too: a data
        # file without a package line (awstats' lib/*.pm), whose
        # variables and subs in main:: wipe_main has just deleted.
        # So is an entry the script's run set by hand for a package that
        # has no sub (`$INC{'Fake/Mod.pm'} = 1`, to stub a module out):
        # a later `require Fake::Mod` must fail again, as in a new
        # process. One a module set for a package it carries, as it
        # loaded at the compilation or at run time (`$INC{'Bundle/Extra.pm'}
        # = __FILE__` or `= 1`), stays with it: the package has its subs;
        # so does one an @INC hook made (it holds the hook).
        my $pkg = key_package($k);
        my $h = is_module_key($k) ? stash($pkg) : undef;
        # An application's own module is loaded again by the next
        # compilation, as by a new process, once the wipe took its
        # packages. One whose package (or a package inside it) kept subs
        # (it defines them in a package the wipe leaves, or its load
        # failed and was undone in place) stays loaded, as before:
        # loading it over them would redefine them.
        if (app_key($k)) {
            delete $INC{$k} unless $h && holds_subs($pkg, $h);
            next;
        }
        next if $h && (($compiled && $compiled->{$k}) || inc_loaded($k) || grep { entry_code($h->{$_}) } keys %$h);
        delete $INC{$k};
    }
}

# holds_subs tells whether package pkg (symbol table h) or one inside it
# has a sub.
sub holds_subs {
    my ($pkg, $h) = @_;
    return 1 if grep { !/::\z/ && entry_code($h->{$_}) } keys %$h;
    return (grep { holds_subs(@$_) } sub_stashes($pkg, $h)) ? 1 : 0;
}

# forget_failed_loads drops what a require that died left behind (a
# module whose load died: a settings file missing for a moment, a syntax
# error being fixed): perl keeps its %INC entry, undefined, and refuses
# to load the file again ("Attempt to reload Foo.pm aborted") for the
# process's life, where a new process loads it again. The entry goes, and
# what the failed load made of its packages is undone (undo_failed_load):
# its own, and every other package it compiled subs in before it died
# (Foo::Util, declared in Foo.pm), found by a walk of every symbol table
# that only a failed load costs. Called after each request whose %INC has
# not the size it had last time (a key count, while no file was
# required), before restore_watched, which then puts back the variables
# of the package the script's source names as they were after its
# compilation (`BEGIN { $Foo::DEBUG = 1 }`, compiled once under registry:
# the next load must see it set).
sub forget_failed_loads {
    my ($failed, %all);
    for my $k (keys %INC) {
        next if defined $INC{$k};
        delete $INC{$k};
        $failed = 1;
        next unless is_module_key($k);
        $APP_FAILED{$k} = 1;
        %all = all_stashes() unless %all;
        my $own = key_package($k);
        undo_failed_load($_, $k) for $own, grep { $_ ne $own && compiled_from($all{$_}[0], $_, $k) } sort keys %all;
    }
    # (module_file_set knows %INC by its key count, which the next load
    # brings back to what it was with the failed entry: the module's
    # file would be missing from its list, and the packages the file
    # makes besides its own taken for the script's.)
    $MOD_COUNT = -1 if $failed;
    $INC_SEEN = scalar keys %INC;
}

# compiled_from tells whether the file %INC knows as k compiled a sub in
# package pkg, whose symbol table is h.
sub compiled_from {
    my ($h, $pkg, $k) = @_;
    return (grep { file_is($_->[1]->FILE // '', $k) } own_subs($h, $pkg)) ? 1 : 0;
}

# own_subs returns [code, B::CV] of each sub of package pkg, whose symbol
# table is h, that was compiled in pkg: no XS sub, nor one imported (it
# was compiled in another package, and comes again with the imports).
sub own_subs {
    my ($h, $pkg) = @_;
    my @subs;
    for my $name (keys %$h) {
        next if $name =~ /::\z/;
        my $code = entry_code($h->{$name}) or next;
        my $cv = B::svref_2object($code);
        push @subs, [$code, $cv] if $cv->isa('B::CV') && !$cv->XSUB && compiled_in($cv) eq $pkg;
    }
    return @subs;
}

# undo_failed_load undoes what the failed load of the file %INC knew as k
# made of package pkg, unless another file compiled subs in that package
# too (one split over files, the script's own): its subs undefined (a new
# load would else hear "Subroutine redefined"), the variables and handles
# of the names it made emptied and closed, its constants gone. A name that
# other code made first (perl keeps the file whose code made a glob,
# GvFILE) keeps its values: a module loaded before that set the package's
# options (`$Foo::greeting = ...`), which a new process sets again before
# the load, or a variable the failed file imported (its module's). In
# place, not by deleting the
# package: code compiled before (the script's $Foo::name) holds its globs,
# and must see what the new load sets; nested packages (Foo::Bar, loaded)
# stay.
sub undo_failed_load {
    my ($pkg, $k) = @_;
    my $h = stash($pkg) or return;
    my @subs = own_subs($h, $pkg);
    return if grep { !file_is($_->[1]->FILE, $k) } @subs;
    undef &{ $_->[0] } for @subs;
    for my $name (keys %$h) {
        next if $name =~ /::\z/;
        my $g = \$h->{$name};
        if (ref $g ne 'GLOB') {
            delete $h->{$name};    # a constant (use constant), a declaration
            next;
        }
        next unless file_is(B::svref_2object($g)->FILE // '', $k);
        close_glob_io($$g) if *{$g}{IO};
        my ($sv, $av, $hv) = (*{$g}{SCALAR}, *{$g}{ARRAY}, *{$g}{HASH});
        undef $$sv if $sv && !Scalar::Util::readonly($$sv);
        @$av = () if $av;
        %$hv = () if $hv;
    }
}

# note_inc takes note of the module entries of %INC, as the script's run
# begins, for restore_inc.
sub note_inc {
    %INC_MODS = map { is_module_key($_) && defined $INC{$_} ? ($_ => $INC{$_}) : () } keys %INC;
    $INC_N = scalar keys %INC;
}

# restore_inc puts back the entries of loaded modules that the script's
# run deleted from %INC (`delete $INC{'Text/Wrap.pm'}`, a forced reload
# that never came): a later request's `use` or `require` would load the
# module again over itself ("Subroutine wrap redefined" under -w, its
# globals reset), where a new process loads it once. A module whose
# package has no sub left (unloaded: Class::Unload, delete_package) is
# loaded again, as it would be. Called when %INC has fewer entries than
# as the run began (a key count per request); one deleted while another
# was added is not seen.
sub restore_inc {
    for my $k (keys %INC_MODS) {
        next if exists $INC{$k};
        my $h = stash(key_package($k)) or next;
        next unless grep { my $c = entry_code($h->{$_}); $c && defined &$c } keys %$h;
        $INC{$k} = $INC_MODS{$k};
    }
}

# file_is tells whether path f names the file %INC knows as k.
sub file_is {
    my ($f, $k) = @_;
    return $f eq $k || length($f) > length($k) && substr($f, -length($k) - 1) eq "/$k";
}

# inc_loaded tells whether %INC's entry for k is what loading a file (or
# an @INC hook) leaves: its path, ending in k, or the hook.
sub inc_loaded {
    my ($k) = @_;
    my $v = $INC{$k};
    return 0 unless defined $v;
    return 1 if ref $v;
    return $v ne $SCRIPT && substr($v, -length($k)) eq $k && -f $v;
}

# ---------------------------------------------------------------------------
# Fingerprints (registry under auto).

# fingerprint returns a string that tells the data x apart from any other;
# with kinds, a scalar's also tells whether it holds a number, a string or
# both (a constant's value: see glob_state).
my $KIND_FLAGS = B::SVf_IOK() | B::SVf_NOK() | B::SVf_POK() | B::SVp_IOK() | B::SVp_NOK() | B::SVp_POK();
sub fingerprint {
    my ($x, $seen, $budget, $kinds) = @_;
    return 'u' unless defined $x;
    my $r = ref $x;
    # (The kind of the copy in $x, which sv_setsv made the original's,
    # before length and the concatenation make a string of it.)
    return 's' . ($kinds ? (B::svref_2object(\$x)->FLAGS & $KIND_FLAGS) . '/' : '') . length($x) . ':' . $x unless $r;
    my $addr = Scalar::Util::refaddr($x);
    return "@" . $seen->{$addr} if exists $seen->{$addr};
    $seen->{$addr} = scalar keys %$seen;
    die "too large\n" if --$$budget < 0;
    my $type = Scalar::Util::reftype($x);
    my $cls = Scalar::Util::blessed($x);
    my $out = defined $cls ? "b$cls:" : '';
    if ($type eq 'ARRAY') {
        return $out . "A(tied)" if tied @$x;
        # (keys resets the array's `each` iterator, as the hash's below:
        # a constant's array is the compilation's, and its iterator would
        # else go on in the next request.)
        keys @$x;
        # (Each element counts against the budget, a plain one too: an
        # array of 4 million lines a request left in a package variable
        # was made into a string of their every byte, seconds after the
        # answer, which the next request's timeout paid.)
        die "too large\n" if ($$budget -= @$x) < 0;
        $out .= 'A' . scalar(@$x) . '[' . join(',', map { fingerprint($_, $seen, $budget, $kinds) } @$x) . ']';
    } elsif ($type eq 'HASH') {
        if (tied %$x) {
            # (keys in void context resets its `each` iterator without a
            # call to the tie: %Config, %! left half way by a request.)
            keys %$x;
            return $out . "H(tied)";
        }
        die "too large\n" if ($$budget -= scalar keys %$x) < 0;
        $out .= 'H' . scalar(keys %$x) . '{' . join(',', map { "$_=>" . fingerprint($x->{$_}, $seen, $budget, $kinds) } sort keys %$x) . '}';
    } elsif ($type eq 'SCALAR' || $type eq 'REF' || $type eq 'VSTRING' || $type eq 'LVALUE') {
        $out .= 'R(' . fingerprint($$x, $seen, $budget, $kinds) . ')';
    } else {
        $out .= "$type$addr";     # CODE, GLOB, IO, Regexp, FORMAT: identity
    }
    return $out;
}

# glob_state returns fingerprints of a symbol table entry's slots. All
# slots count, imported ones too (`use vars` marks its variables imported;
# an alias from `use English` in a package of the script may change and so
# force perlrun: the safe side. main::'s are not fingerprinted, see
# split_registry_symbols).
sub glob_state {
    my ($g) = @_;
    return { C => Scalar::Util::refaddr($g) } if ref $g eq 'CODE';
    my $budget = 100_000;
    # A constant (`use constant DEFAULTS => { limit => "10" }`): its data
    # is the compilation's, and perl caches in it what a request did with
    # it, which a new process has not: "10" compared with > gets a number
    # beside its string, and JSON::PP then writes it as 10. Its kinds
    # count too.
    return { X => ref $g ? 'ref ' . fingerprint($g, {}, \$budget, 1) : "stub $g" } unless ref(\$g) eq 'GLOB';
    my %p;
    for my $slot (['S', 'SCALAR', 's'], ['A', 'ARRAY', 'a'], ['H', 'HASH', 'h']) {
        my ($k, $type, $at) = @$slot;
        my $ref = *{$g}{$type} or next;
        # (Its address too: a glob assignment, *view = \@rows, puts
        # another variable there, which may hold the same.)
        $p{$at} = Scalar::Util::refaddr($ref);
        my %seen;
        $p{$k} = eval { fingerprint($type eq 'SCALAR' ? $$ref : $ref, \%seen, \$budget) } // too_large();
    }
    $p{C} = Scalar::Util::refaddr(*{$g}{CODE}) if *{$g}{CODE};
    $p{F} = Scalar::Util::refaddr(*{$g}{FORMAT}) if *{$g}{FORMAT};
    return \%p;
}

# slot_shared tells whether the variable in slot (S, A or H) of the symbol
# name (package::name) is held by something else too: another glob (a
# glob assignment), a reference.
sub slot_shared {
    my ($name, $slot) = @_;
    my ($pkg, $k) = symbol_parts($name) or return 1;
    my $h = stash($pkg) or return 1;
    my $g = $h->{$k};
    return 1 unless defined $g && ref(\$g) eq 'GLOB';
    my $ref = *{$g}{ { S => 'SCALAR', A => 'ARRAY', H => 'HASH' }->{$slot} } or return 0;
    return B::svref_2object($ref)->REFCNT > 2;
}

# symbol_parts splits a fingerprinted name (package::name) into its
# package and its symbol. A main:: symbol's own name may hold "::": the
# file name of code compiled under `#line 1 "DateTime::is_Foo generated
# by Specio::Subs"` (Eval::Closure, Sub::Quote) is the glob
# *{"main::_<DateTime::is_Foo generated by Specio::Subs"}, which a split
# at the last "::" would put in a package that does not exist.
sub symbol_parts {
    my ($name) = @_;
    return ('main', $1) if $name =~ /^main::(.+)\z/s && exists $main::{$1};
    return $name =~ /^(.*)::([^:]+)\z/s;
}

# registry_fingerprints fingerprints the script's package variables: the
# "heavy" main:: symbols (those holding data after compilation) and the
# script's own packages. Light ones are checked by registry_changed.
sub registry_fingerprints {
    my ($compiled) = @_;    # (after the compilation: see n below)
    my %fp;
    for my $k (keys %REG_HEAVY) {
        $fp{"main::$k"} = glob_state($main::{$k}) if exists $main::{$k};
    }
    for my $pkg (keys %REG_PKGS) {
        my $h = stash($pkg) or next;
        for my $k (keys %$h) {
            next if $k =~ /::\z/;
            $fp{"${pkg}::$k"} = glob_state($h->{$k});
        }
    }
    # A glob that shares another's slots after compilation (use English's
    # *ARG = *_, whose $_ each request localizes) has no addresses of its
    # own to keep (n: registry_changed compares its contents only).
    if ($compiled) {
        for my $name (keys %fp) {
            my ($pkg, $k) = symbol_parts($name) or next;
            my $g = stash($pkg)->{$k};
            $fp{$name}{n} = 1 if ref(\$g) eq 'GLOB' && !own_glob(B::svref_2object(\$g), $k, undef);
        }
    }
    return %fp;
}

# app_lexicals returns [why, ref, fingerprint] for each file-scope lexical
# of an application's own module (APPLICATION MODULES) that a named sub of
# the packages pkgs captures (`my $who; sub login { $who = shift }`), and
# each `state` variable of such a sub: the module's state that no symbol
# table shows, which a request may change and registry_changed cannot
# see. So are those of the closures the module's code made that such a
# lexical or a package variable of pkgs holds (a private method, `my
# $next = do { my $n; sub { ++$n } }`; a dispatch table, `our %ACTIONS =
# (show => sub { $shown{...}++ })`): their own lexicals are their
# captures. A module that only reads them (a configuration built as it
# loads) keeps their fingerprints.
our @APP_LEX;
sub app_lexicals {
    my ($pkgs) = @_;
    my (@lex, %seen, %key, @todo, %done);
    for my $k (keys %INC) {
        $key{ $INC{$k} } = $k if app_key($k);
    }
    for my $pkg (sort @$pkgs) {
        my $h = stash($pkg) or next;
        # Its __DATA__ section, which perl opens as it loads the file:
        # a request that reads it leaves the next one less, or nothing.
        my $data = $h->{DATA};
        if (defined $data && ref(\$data) eq 'GLOB' && io_open(*{$data}{IO})
            && defined(my $k = $key{ (B::svref_2object(\$data)->FILE // '') })) {
            (my $rel = $INC{$k}) =~ s{\A\Q$SCRIPT_DIR\E/}{};
            push @lex, ['module ' . key_package($k) . " ($rel) read its __DATA__", \*{$data}];
        }
        for my $name (sort keys %$h) {
            next if $name =~ /::\z/;
            my $g = $h->{$name};
            if (my $code = entry_code($g)) {
                push @todo, $code;
            }
            next unless ref(\$g) eq 'GLOB';
            for my $ref (*{$g}{SCALAR}, *{$g}{ARRAY}, *{$g}{HASH}) {
                push @todo, code_refs($ref, 0) if defined $ref;
            }
        }
    }
    while (my $code = shift @todo) {
        next if $done{ Scalar::Util::refaddr($code) }++;
        my $cv = B::svref_2object($code);
        next unless $cv->isa('B::CV') && !$cv->XSUB && defined(my $k = $key{ $cv->FILE // '' });
        for my $pv (pad_vars($cv, B::PADNAMEt_OUTER() | B::PADNAMEt_STATE())) {
            my ($pname, $ref) = @$pv;
            next if $seen{ Scalar::Util::refaddr($ref) }++;
            push @todo, code_refs($ref, 0);
            (my $rel = $INC{$k}) =~ s{\A\Q$SCRIPT_DIR\E/}{};
            push @lex, ['module ' . key_package($k) . " ($rel) keeps request data in $pname", $ref];
        }
    }
    $_->[2] = lexical_fingerprint($_->[1]) for @lex;
    return @lex;
}

# pad_vars returns [name, ref] for each lexical variable of the sub cv (a
# B::CV) whose pad name has one of the flags (PADNAMEt_OUTER: captured
# from outside the sub; PADNAMEt_STATE), other than an `our`.
sub pad_vars {
    my ($cv, $flags) = @_;
    my $pl = $cv->PADLIST;
    return unless $pl && $pl->can('ARRAY');
    my ($names, $vals) = $pl->ARRAY;
    return unless $names && $names->can('ARRAY') && $vals && $vals->can('ARRAY');
    my @n = $names->ARRAY;
    my @v = $vals->ARRAY;
    my @vars;
    for my $i (1 .. $#n) {
        my $pn = $n[$i];
        next unless ref($pn) eq 'B::PADNAME' && ($pn->PVX // '') =~ /^[\$\@%]./;
        my $f = $pn->FLAGS;
        next if $f & B::PADNAMEt_OUR() || !($f & $flags);
        next unless $v[$i] && $v[$i]->can('object_2svref');
        push @vars, [$pn->PVX, $v[$i]->object_2svref];
    }
    return @vars;
}

# import_closures returns [why, ref, fingerprint] for each variable that
# a closure captures which a module's import put into main:: or another
# package of the script (pkgs) as the script compiled: a framework's
# keywords (Mojolicious::Lite's `get`, `app` and `helper` over the
# application object its import made for the script, Dancer2's over the
# app it registered). The routes, helpers and settings the script's code
# puts into that object as it runs are the script's state, which no
# symbol table shows: compiled once, every request added its routes to
# the first request's object (whose callbacks, over the first request's
# lexicals, answered from then on: a counter went on counting), and a
# setting one request made (`app->mode('production')`) held for all.
# A change switches auto to perlrun, whose compilation imports anew.
# Not the script's own closures (a BEGIN's, which makes it perlrun
# anyway), nor XS subs; a named sub a module exports is no closure.
#
# Only the frameworks known to do so (APP_CLOSURES): other exporters make
# closures over objects that cache as they serve (Type::Tiny's
# parameterised types, `ArrayRef[Int]`, memoised in the type object), a
# change that is no request's data, and auto would have compiled such a
# script for every request for nothing.
my $APP_CLOSURES = qr{(?:\A|/)(?:Mojolicious/Lite\.pm\z|Dancer2\.pm\z|Dancer2/)};
sub import_closures {
    my ($pkgs) = @_;
    my (@lex, %seen);
    for my $pkg ('main', sort grep { $_ ne 'main' } @$pkgs) {
        my $h = stash($pkg) or next;
        my @names = $pkg eq 'main' ? sort keys %REG_MAIN : sort keys %$h;
        for my $name (@names) {
            next if $name =~ /::\z/ || !exists $h->{$name};
            my $code = entry_code($h->{$name}) or next;
            my $cv = B::svref_2object($code);
            next unless $cv->isa('B::CV') && !$cv->XSUB && ($cv->CvFLAGS & B::CVf_CLONED());
            my $file = $cv->FILE // '';
            next unless $file =~ $APP_CLOSURES;
            for my $pv (pad_vars($cv, B::PADNAMEt_OUTER())) {
                my ($pname, $ref) = @$pv;
                next if $seen{ Scalar::Util::refaddr($ref) }++;
                (my $from = $file) =~ s{\A.*/(?:perl5?|site_perl|vendor_perl)/[\d.]*/?}{};
                push @lex, ["sub ${pkg}::$name (a closure from $from) keeps request data in $pname", $ref];
            }
        }
    }
    $_->[2] = lexical_fingerprint($_->[1]) for @lex;
    return @lex;
}

# code_refs returns the subs that the variable ref refers to, itself or
# in the plain arrays and hashes it holds, two levels down (a dispatch
# table of closures, an object's callbacks). Tied ones are not looked
# into: reading them runs code.
sub code_refs {
    my ($ref, $depth) = @_;
    my $t = Scalar::Util::reftype($ref) // return;
    return $ref if $t eq 'CODE';
    return if $depth > 2;
    my @in = $t eq 'ARRAY' ? (tied(@$ref) ? () : @$ref)
        : $t eq 'HASH' ? (tied(%$ref) ? () : values %$ref)
        : ($t eq 'SCALAR' || $t eq 'REF') && !tied($$ref) ? ($$ref) : ();
    return map { code_refs($_, $depth + 1) } grep { ref } @in;
}

sub lexical_fingerprint {
    my ($ref) = @_;
    my $budget = 100_000;
    my $type = Scalar::Util::reftype($ref);
    # (A module's DATA: its handle, open or not, and the lines read from
    # it, which every readline counts. Not tell: it would make DATA the
    # last-read handle, and $. defined, for the script.)
    if ($type eq 'GLOB') {
        my $io = *{$ref}{IO} or return 'none';
        my $b = B::svref_2object($io);
        return join ' ', Scalar::Util::refaddr($io), $b->LINES, $b->IoTYPE;
    }
    return eval { fingerprint($type eq 'ARRAY' || $type eq 'HASH' ? $ref : $$ref, {}, \$budget) } // too_large();
}

# too_large is the fingerprint of a variable too large to fingerprint
# (fingerprint's budget): one unlike any other, so that such a variable
# always counts as changed (the script goes to perlrun), never as the
# same as before because it was too large both times.
our $TOO_LARGE = 0;
sub too_large { 'too large ' . ++$TOO_LARGE }

# app_lexicals_changed returns why the request changed a lexical of
# @APP_LEX, or nothing.
sub app_lexicals_changed {
    for my $l (@APP_LEX) {
        return $l->[0] if lexical_fingerprint($l->[1]) ne $l->[2];
    }
    return undef;
}

# split_registry_symbols sorts the main:: symbols the compilation created:
# light ones (a sub, a constant or nothing: most are imported functions)
# are checked with a few comparisons per request, heavy ones are
# fingerprinted. Names for perl's own variables (`use English`: *ERRNO =
# *!, *BASETIME = *^T) are neither: perl itself changes them ($! at a
# failed open), and each request starts with fresh ones (DESIGN, 5), not
# with what the script left there.
sub split_registry_symbols {
    my ($old) = @_;    # (main0_slots)
    @REG_LIGHT = ();
    %REG_HEAVY = ();
    my %alias;
    for my $k (keys %REG_MAIN) {
        my $g = $main::{$k};
        if (ref(\$g) eq 'GLOB' && interp_alias($g, $old)) {
            $alias{$k} = 1;
        } elsif (ref $g eq 'CODE') {
            push @REG_LIGHT, [$k, Scalar::Util::refaddr($g)];
        } elsif (ref $g eq 'SCALAR' && !ref $$g) {
            # A constant of plain value (`use constant DEBUG => 0`, or
            # one imported from Fcntl or POSIX): perl keeps it in the
            # symbol table as a bare scalar ref until something asks for
            # its glob. Checked as a sub is: the same ref, the same value.
            push @REG_LIGHT, [$k, Scalar::Util::refaddr($g), const_value($$g)];
        } elsif (ref(\$g) eq 'GLOB' && !*{$g}{ARRAY} && !*{$g}{HASH} && !defined ${ *{$g}{SCALAR} }) {
            my $c = *{$g}{CODE};
            # (And its scalar's address: registry_changed sees a glob
            # assignment by it. Asking for it makes one, as that check
            # would at the first request.)
            my $f = *{$g}{FORMAT};
            push @REG_LIGHT, [$k, $c ? Scalar::Util::refaddr($c) : 0, undef, undef, Scalar::Util::refaddr(*{$g}{SCALAR}),
                $f ? Scalar::Util::refaddr($f) : 0];
        } else {
            $REG_HEAVY{$k} = 1;
        }
    }
    @REG_SCAN = map { [$_, $REG_HEAVY{$_} || $alias{$_} ? 0 : 1] } keys %REG_MAIN;
}

# main0_slots returns the addresses of the variables of the main:: names
# that existed before the script: perl's own ($! $. $^T @ARGV %ENV...).
sub main0_slots {
    my %old;
    for my $k (keys %MAIN0) {
        my $g = $main::{$k};
        next unless defined $g && ref(\$g) eq 'GLOB';
        # (Its scalar through B: asking the glob would make one.)
        my $sv = B::svref_2object(\$g)->SV;
        $old{$$sv} = 1 unless ref $sv eq 'B::SPECIAL';
        for my $slot (qw(ARRAY HASH)) {
            my $ref = *{$g}{$slot} or next;
            $old{ Scalar::Util::refaddr($ref) } = 1;
        }
    }
    return \%old;
}

# A name of perl's own that exists before the script (DATA, ARGV, ENV,
# STDIN, STDOUT, _, 0...) has variables perl does not use, which the
# script may: a legacy form handler's %DATA, %ARGV, @ENV, $STDIN, %_.
# Those are the script's, and a new process starts each request with them
# empty; but the wipes and the registry's checks leave every name of
# perl's alone, and one user's form data reached the next. So the
# variables each such name really has at start are noted (main0_startup),
# each compilation notes those it made for the names the source shows
# with a sigil (main0_scan: once a compilation, a few names), and after
# every request, in every level, those are emptied (main0_clear). One a
# compilation filled (a BEGIN block's) is its own, and left alone.
sub main0_startup {
    %MAIN0_HAD = %{ main0_slots() };
    return unless defined $CODE_SRC;
    @MAIN0_NAMED = grep { /^\w+\z/ && $CODE_SRC =~ /(?:[\$\@%]|\$#)\s*\{?\s*(?:main)?(?:::|')?\Q$_\E\b/ } sort keys %MAIN0;
}

sub main0_scan {
    for my $k (@MAIN0_NAMED) {
        my $g = $main::{$k};
        next unless defined $g && ref(\$g) eq 'GLOB';
        my $sv = B::svref_2object(\$g)->SV;
        for my $slot (qw(SCALAR ARRAY HASH)) {
            next if $MAIN0_FILL{"$k $slot"};
            # (@_ is the running sub's; no scalar: none made.)
            next if ($slot eq 'ARRAY' && $k eq '_') || ($slot eq 'SCALAR' && ref $sv eq 'B::SPECIAL');
            my $ref = *{$g}{$slot} or next;
            next if $MAIN0_HAD{ Scalar::Util::refaddr($ref) };
            next if $slot eq 'SCALAR' ? defined $$ref : $slot eq 'ARRAY' ? @$ref : %$ref;
            $MAIN0_FILL{"$k $slot"} = 1;
            push @MAIN0_FILL, [$k, $slot];
        }
    }
}

sub main0_clear {
    for my $f (@MAIN0_FILL) {
        my ($k, $slot) = @$f;
        my $g = $main::{$k};
        next unless defined $g && ref(\$g) eq 'GLOB';
        my $ref = *{$g}{$slot} or next;
        next if $MAIN0_HAD{ Scalar::Util::refaddr($ref) };
        untie_var($ref, $slot);
        if ($slot eq 'SCALAR') {
            eval { undef $$ref } if defined $$ref;
        } elsif ($slot eq 'ARRAY') {
            eval { @$ref = () } if @$ref;
        } else {
            eval { %$ref = () } if %$ref;
        }
    }
}

# interp_alias tells whether the glob g holds variables, and only
# variables of old (main0_slots): no sub, handle or format. (Its scalar
# is looked at through B: asking the glob for one would make one.)
sub interp_alias {
    my ($g, $old) = @_;
    return 0 if *{$g}{CODE} || *{$g}{IO} || *{$g}{FORMAT};
    my $n = 0;
    for my $ref (*{$g}{ARRAY}, *{$g}{HASH}) {
        next unless defined $ref;
        return 0 unless $old->{ Scalar::Util::refaddr($ref) };
        $n++;
    }
    my $sv = B::svref_2object(\$g)->SV;
    if (ref $sv ne 'B::SPECIAL') {
        return 0 unless $old->{$$sv};
        $n++;
    }
    return $n;
}


# light_slots puts back the variables of a light main:: glob (an entry of
# @REG_LIGHT, the symbol table's entry e) that a request replaced by a glob
# assignment (*who = \$user, *FORM = \%in if ..., \@shown = \@rows): the
# next request must find the glob's own empty variable, as a new process
# does, not the other one with its data. It returns why it cannot: a
# glob that is another's now (*a = *b; putting a slot back would change
# b), or one whose variables registry_snapshot left alone.
sub light_slots {
    my ($l, $e) = @_;
    my $k = $l->[0];
    my ($sv, $av, $hv) = (*{$e}{SCALAR}, *{$e}{ARRAY}, *{$e}{HASH});
    # (A light glob's array or hash was made at run time: one held
    # elsewhere too is another variable's.)
    my @replaced = (Scalar::Util::refaddr($sv) != $l->[4] ? \my $s : (),
        $av && B::svref_2object($av)->REFCNT > 2 ? [] : (), $hv && B::svref_2object($hv)->REFCNT > 2 ? {} : ());
    return unless @replaced;
    return "symbol main::$k changed" unless $l->[3] && own_glob(B::svref_2object($e), $k, 'main');
    *{$e} = $_ for @replaced;
    $l->[4] = Scalar::Util::refaddr(*{$e}{SCALAR});
    return;
}

# const_value is a constant's value as a string that tells undef apart.
sub const_value { return defined $_[0] ? "d$_[0]" : 'u' }

# CGI::Application keeps its class-level callbacks (`__PACKAGE__->
# add_callback('postrun', sub {...})`, a plugin's import) in a file
# lexical of its own, %INSTALLED_CALLBACKS: hook => {class => [callbacks]}.
# A script whose code adds one as it runs (at file scope, in its own
# application class) adds it again at every request a worker runs: a
# closure is a new callback each time, and the page got one more comment,
# header or log line per earlier request. Compiled once (auto), a change
# of the lists switches to perlrun; perlrun deletes a class's lists with
# the class (delete_package), as a new process has none before it
# compiles. Found once through B, as diag_repeat finds diagnostics' own.
our ($CGIAPP_CB, $CGIAPP_SIG);
sub cgiapp_callbacks {
    return $CGIAPP_CB if $CGIAPP_CB;
    return undef unless exists $INC{'CGI/Application.pm'};
    my $code = loaded_sub('CGI::Application', 'call_hook') or return undef;
    my $r = pad_var($code, '%INSTALLED_CALLBACKS');
    return ref $r eq 'HASH' ? ($CGIAPP_CB = $r) : undef;
}

# cgi_simple_standard_reset forgets the query object CGI::Simple::Standard
# (CGI::Simple's function interface, `use CGI::Simple::Standard
# qw(:standard)`) keeps in a file lexical of its loader for the process's
# life: a new process makes it from its own request at the first call,
# and here the next compilation's param() read the previous client's
# form and cookies. Before each perlrun compilation (whose main:: has
# the module's stubs again, which make it anew at their first call; a
# script that uses it has its main:: subs replaced at run time, which
# takes auto to perlrun).
sub cgi_simple_standard_reset {
    my $loader = loaded_sub('CGI::Simple::Standard', 'loader') or return;
    my $q = pad_var($loader, '$q');
    $$q = undef if ref $q eq 'SCALAR' || ref $q eq 'REF';
}

# pad_var returns a reference to the lexical named name ('%seen') that
# the sub code holds in its pad (one of its own, or a file lexical it
# captures), found through B; undef if it has none.
sub pad_var {
    my ($code, $want) = @_;
    my ($names, $vals) = eval { B::svref_2object($code)->PADLIST->ARRAY } or return undef;
    my @n = $names->ARRAY;
    for my $i (0 .. $#n) {
        next unless ref $n[$i] && $n[$i]->can('PVX');
        my $name = $n[$i]->PVX;
        next unless defined $name && $name eq $want;
        my $v = ($vals->ARRAY)[$i];
        return $v && $v->can('object_2svref') ? $v->object_2svref : undef;
    }
    return undef;
}

# cgiapp_sig sums up CGI::Application's class-level callbacks, or undef
# without the module: the distinct callbacks of each hook and class (its
# call_hook runs a callback added twice once: a named sub, or an
# anonymous one that captures nothing, is the same each time).
sub cgiapp_sig {
    my $cb = cgiapp_callbacks() or return undef;
    my @sig;
    for my $hook (sort keys %$cb) {
        my $h = $cb->{$hook};
        next unless ref $h eq 'HASH';
        for my $class (sort keys %$h) {
            my %u = map { (ref $_ ? Scalar::Util::refaddr($_) : $_) => 1 } ref $h->{$class} eq 'ARRAY' ? @{ $h->{$class} } : ();
            push @sig, "$hook/$class:" . join(' ', sort keys %u);
        }
    }
    return join ',', @sig;
}

sub registry_changed {
    if (scalar(keys %main::) != $REG_MAIN_COUNT) {
        for my $k (keys %main::) {
            next if exists $MAIN0{$k} || exists $REG_MAIN{$k} || $k =~ /::\z/ || $k =~ /\A[\x00-\x1e]/;
            return "symbol main::$k created at run time";
        }
    }
    for my $l (@REG_LIGHT) {
        my ($k, $addr, $const) = @$l;
        return "symbol main::$k deleted" unless exists $main::{$k};
        # A reference to the symbol table's own entry: looking into a
        # copy of a glob (my $g = $main::{$k}) costs three times as much,
        # and these loops visit every name the script imported.
        my $e = \$main::{$k};
        if (ref $e eq 'GLOB') {
            return "symbol main::$k changed" if defined $const;
            my $c = *{$e}{CODE};
            return "sub main::$k changed" if ($c ? Scalar::Util::refaddr($c) : 0) != $addr;
            # (The scalar's address tells a glob assignment: a light glob
            # has no array or hash after compilation.)
            my ($sv, $av, $hv) = (*{$e}{SCALAR}, *{$e}{ARRAY}, *{$e}{HASH});
            next unless defined $$sv || $av || $hv || $sv != ($l->[4] //= Scalar::Util::refaddr($sv));
            undef $sv;    # (restore_entry and light_slots count the references
            undef $av;    # to tell an alias: these would make every variable one)
            undef $hv;
            if (my $why = light_slots($l, $e)) {
                return $why;
            }
            # Data in a symbol that had none after compilation: put back
            # first (registry_restore leaves this loop the light ones),
            # and a change only if some stays.
            if ($l->[3] && !eval { restore_entry($l->[3], $e, $l->[4]); 1 }) {
                return "package variables could not be restored: " . ($@ =~ s/\s+\z//r);
            }
            return "package variable \$main::$k changed" if defined ${ *{$e}{SCALAR} };
            return "package variable \@main::$k changed" if *{$e}{ARRAY} && @{ *{$e}{ARRAY} };
            return "package variable %main::$k changed" if *{$e}{HASH} && %{ *{$e}{HASH} };
            next;
        }
        my $g = $$e;
        return "symbol main::$k deleted" unless defined $g;
        if (defined $const) {
            next if ref $g eq 'SCALAR' && Scalar::Util::refaddr($g) == $addr && const_value($$g) eq $const;
            return "symbol main::$k changed";
        }
        next if ref $g eq 'CODE' && Scalar::Util::refaddr($g) == $addr;
        return ref $g eq 'CODE' ? "sub main::$k changed" : "symbol main::$k changed";
    }
    # A format put in a light glob (*F = *G{FORMAT} if ...): only a script
    # whose source names that slot can, and only its light globs are
    # asked (the heavy ones' fingerprint has the format).
    if ($FORMAT_SLOT) {
        for my $l (@REG_LIGHT) {
            my $e = \$main::{ $l->[0] };
            next unless ref $e eq 'GLOB';
            my $f = *{$e}{FORMAT};
            return "format main::$l->[0] changed" if ($f ? Scalar::Util::refaddr($f) : 0) != ($l->[5] // 0);
        }
    }
    for my $d (@REG_DEFINED) {
        next if (defined &{ $d->[1] } ? 1 : 0) == $d->[2];
        return $d->[2] ? "sub $d->[0] changed" : "sub $d->[0] defined at run time";
    }
    # Nothing heavy to fingerprint (the common case): no hash to build.
    my %now = %REG_HEAVY || %REG_PKGS ? registry_fingerprints() : ();
    for my $name (sort keys %REG_FP) {
        my ($old, $new) = ($REG_FP{$name}, $now{$name});
        return "symbol $name deleted" unless $new;
        for my $slot ($old->{n} ? qw(S A H C X F) : qw(S A H C X F s a h)) {
            my ($o, $n) = ($old->{$slot}, $new->{$slot});
            next if (defined $o ? $o : "\0") eq (defined $n ? $n : "\0");
            # An empty slot that got created but is still empty is no change.
            next if !defined $o && defined $n && $n =~ /^(?:u|A0\[\]|H0\{\})\z/;
            # Nor one made at run time that is not another variable's too.
            next if !defined $o && $slot =~ /^[sah]\z/ && !slot_shared($name, uc $slot);
            return $slot eq 'C' ? "sub $name changed" : $slot eq 'X' ? "symbol $name changed"
                : $slot eq 'F' ? "format $name changed" : $slot =~ /^[sah]\z/ ? "package variable $SIGIL{uc $slot}$name replaced"
                : "package variable $SIGIL{$slot}$name changed";
        }
    }
    for my $name (sort keys %now) {
        return "symbol $name created at run time" unless $REG_FP{$name};
    }
    my @new = new_stashes();
    if (@new) {
        my $mod = module_file_set();
        for my $pkg (@new) {
            return "package $pkg created at run time" if script_owned($pkg, $mod);
        }
    }
    # An %INC entry that no loaded file made (`$INC{'My/Inline.pm'} =
    # __FILE__`, the inline-module idiom at run time): a new process has
    # none. A module a request loaded stays loaded, as under mod_perl.
    # A library (require "x.pl", no Module/Name.pm) does not: required by
    # a name the source does not show (`eval "require \$conf"`, Module::
    # Load's load), registry never ran it again, and a Perl 4 config
    # file's globals, restored empty, stayed so. Its entry goes, as
    # perlrun's does, so that the next request loads it again; the
    # script stays in registry (a `do FILE`'s entry goes the same way:
    # no process has it before its do).
    return 'CGI::Application callback added at run time'
        if defined $CGIAPP_SIG && (cgiapp_sig() // '') ne $CGIAPP_SIG;
    if (scalar(keys %INC) != $REG_INC_COUNT) {
        for my $k (keys %INC) {
            next if $REG_INC_KEYS{$k};
            my $v = $INC{$k};
            return "\%INC entry $k set at run time"
                if !defined $v || ref $v || $v eq $SCRIPT || substr($v, -length($k)) ne $k || !-f $v;
            # An application's own module a request loaded (a require in
            # a sub) is that request's code, as the script's: perlrun
            # loads it again for every request that needs it.
            return 'module ' . key_package($k) . " loaded at run time from the application's directory"
                if app_key($k);
            delete $INC{$k} unless is_module_key($k);
        }
        $REG_INC_COUNT = scalar keys %INC;
        %REG_INC_KEYS = map { $_ => 1 } keys %INC;
    }
    return;
}

# ---------------------------------------------------------------------------
# Registry with restore (auto). Legacy scripts assign package globals at file
# scope ($DATAFILE = ...; @rows = ()), which the fingerprint check alone would
# treat as "changed" after the first request. Instead, the post-compile state
# of every package variable of the script (the set the fingerprints cover) is
# saved, when it is plain data, and put back after every request, before the
# check; variables created at run time are deleted. Plain data: undef,
# strings and numbers (taint, pos and utf8 caches are harmless), and
# unblessed, untied array, hash and scalar refs of plain data without weak
# refs or cycles. Freeing plain data runs no code, so putting the state back
# after the answer is the same as a fresh compilation before the next one.
# A slot a glob assignment replaced (*FORM = \%in if ...) gets the
# compilation's variable back first (restore_entry, light_slots), unless
# the glob is another's now (*a = *b). Anything else (objects, code refs,
# globs, tied or magical containers, read-only values) is left alone, and
# the check that follows switches to perlrun as before.

our @REG_RESTORE;   # [stash, name, empty, [slot, ref at compile or undef, undef or [copy]]...]
our %REG_KNOWN;     # "stash address" => {name => 1}: the names after compilation

# plain tells whether the scalar $_[0] (an alias) holds plain data. $seen:
# refs on the path (a cycle) or, with $tree, refs met anywhere (sharing);
# $budget: nodes left.
sub plain {
    my (undef, $seen, $budget, $tree) = @_;
    return 0 if --$$budget < 0 || tied $_[0];
    my $t = ref \$_[0];
    return 1 if $t eq 'SCALAR';
    return 0 unless $t eq 'REF';
    return 0 if Scalar::Util::isweak($_[0]);
    my $r = $_[0];
    return 0 if defined Scalar::Util::blessed($r);
    my $addr = Scalar::Util::refaddr($r);
    return 0 if $seen->{$addr}++;
    my $type = Scalar::Util::reftype($r);
    my $ok = 1;
    if ($type eq 'ARRAY') {
        if (tied @$r) { $ok = 0 } else { for (@$r) { $ok = 0, last unless plain($_, $seen, $budget, $tree) } }
    } elsif ($type eq 'HASH') {
        if (tied %$r) { $ok = 0 } else { for (values %$r) { $ok = 0, last unless plain($_, $seen, $budget, $tree) } }
    } elsif ($type eq 'SCALAR' || $type eq 'REF') {
        $ok = plain($$r, $seen, $budget, $tree);
    } else {
        $ok = 0;
    }
    delete $seen->{$addr} unless $tree;
    return $ok;
}

# plain_copy returns a deep copy of plain data.
sub plain_copy {
    my ($x) = @_;
    return $x unless ref $x;
    my $type = Scalar::Util::reftype($x);
    return [map { plain_copy($_) } @$x] if $type eq 'ARRAY';
    return { map { $_ => plain_copy($x->{$_}) } keys %$x } if $type eq 'HASH';
    my $c = plain_copy($$x);
    return \$c;
}

# magical tells whether a container has magic (tie, %ENV-like, @ISA...).
sub magical {
    return B::svref_2object($_[0])->FLAGS & (B::SVs_RMG() | B::SVs_GMG() | B::SVs_SMG()) ? 1 : 0;
}

# registry_snapshot saves the post-compile state of the script's package
# variables: the main:: symbols the compilation created and those of the
# script's packages. Slots shared with variables that existed before the
# script (an alias of $_, say) are left to the check.
sub registry_snapshot {
    my ($old) = @_;    # (main0_slots)
    @REG_RESTORE = ();
    %REG_KNOWN = ();
    my @spaces = ([\%main::, 'main', [keys %REG_MAIN]]);
    for my $pkg (sort keys %REG_PKGS) {
        my $h = stash($pkg) or next;
        push @spaces, [$h, $pkg, [grep { !/::\z/ } keys %$h]];
    }
    for my $sp (@spaces) {
        my ($h, $pkg, $names) = @$sp;
        $REG_KNOWN{ Scalar::Util::refaddr($h) } = { map { $_ => 1 } keys %$h };
        for my $k (sort @$names) {
            my $g = $h->{$k};
            next unless defined $g && ref(\$g) eq 'GLOB';
            my $gv = B::svref_2object(\$g);
            next unless own_glob($gv, $k, $pkg);
            my @slots;
            for my $slot (qw(SCALAR ARRAY HASH)) {
                my $ref = $slot eq 'SCALAR' ? (ref($gv->SV) eq 'B::SPECIAL' ? undef : *{$g}{SCALAR}) : *{$g}{$slot};
                if (!defined $ref) {
                    push @slots, [$slot, undef, undef];
                    next;
                }
                @slots = (), last if $old->{ Scalar::Util::refaddr($ref) } || magical($ref)
                    || ($slot eq 'SCALAR' && Scalar::Util::readonly($$ref));
                my ($seen, $budget) = ({}, 10_000);
                if ($slot eq 'SCALAR') {
                    @slots = (), last unless plain($$ref, $seen, \$budget, 1);
                    push @slots, [$slot, $ref, defined $$ref ? [plain_copy($$ref)] : undef];
                } elsif ($slot eq 'ARRAY') {
                    @slots = (), last unless plain($ref, $seen, \$budget, 1);
                    push @slots, [$slot, $ref, @$ref ? [plain_copy($ref)] : undef];
                } else {
                    @slots = (), last unless plain($ref, $seen, \$budget, 1);
                    push @slots, [$slot, $ref, %$ref ? [plain_copy($ref)] : undef];
                }
            }
            # (empty: no slot existed: only something there now needs the slots' test.)
            push @REG_RESTORE, [$h, $k, !grep({ $_->[1] || $_->[2] } @slots), @slots] if @slots;
        }
    }
}

# own_glob tells whether a glob is the one named k (in package pkg), not an
# alias of another (*ARG = *_).
sub own_glob {
    my ($gv, $k, $pkg) = @_;
    return 0 unless $gv->NAME eq $k;
    my $stash = $gv->STASH->NAME;
    return 0 if defined $pkg && $stash ne $pkg;
    my $egv = eval { $gv->EGV };
    return $egv && $egv->isa('B::GV') && $egv->NAME eq $k && $egv->STASH->NAME eq $stash ? 1 : 0;
}

# registry_restore puts the script's package variables back to their state
# after compilation and deletes the plain variables created at run time. It
# returns why it could not, when putting back failed half way (the caller
# switches to perlrun); what it leaves alone the check then reports.
sub registry_restore {
    my $ok = eval {
        for my $e (@REG_RESTORE) {
            next unless exists $e->[0]{ $e->[1] };
            my $g = \$e->[0]{ $e->[1] };    # (the entry itself: see registry_changed)
            next unless ref $g eq 'GLOB';
            if ($e->[2]) {
                # Every slot's test below would say "nothing to put back".
                my ($sv, $av, $hv) = (*{$g}{SCALAR}, *{$g}{ARRAY}, *{$g}{HASH});
                next if (tied $$sv || !defined $$sv) && (!$av || tied @$av || !@$av)
                    && (!$hv || tied %$hv || !%$hv);
            }
            restore_entry($e, $g);
        }
        registry_delete_new(\%main::) if scalar(keys %main::) != $REG_MAIN_COUNT;
        for my $pkg (keys %REG_PKGS) {
            my $h = stash($pkg) or next;
            registry_delete_new($h);
        }
        1;
    };
    return $ok ? undef : "package variables could not be restored: " . ($@ =~ s/\s+\z//r);
}

# light_restores hands the restore entries of the light main:: globs to
# their @REG_LIGHT entries: registry_changed visits those anyway, and puts
# back what it finds there (the usual case, nothing, then costs one test
# instead of two). After registry_snapshot and split_registry_symbols.
sub light_restores {
    my %light = map { exists $main::{ $_->[0] } && ref(\$main::{ $_->[0] }) eq 'GLOB' ? ($_->[0] => $_) : () }
        grep { !defined $_->[2] } @REG_LIGHT;
    @REG_RESTORE = grep {
        my $l = $_->[0] == \%main:: && $_->[2] && $light{ $_->[1] };
        $l->[3] = $_ if $l;
        !$l;
    } @REG_RESTORE;
}

# restore_entry puts back the post-compile state of one @REG_RESTORE entry
# (see there) whose glob is g, slot by slot. (sv: the address of a light
# glob's scalar after compilation, its own even when another glob shares
# it now: *who = \$user.)
sub restore_entry {
    my ($e, $g, $sv) = @_;
    my (undef, undef, undef, @slots) = @$e;
    for my $s (@slots) {
        my ($slot, $ref0, $snap) = @$s;
        if (defined $ref0 && Scalar::Util::refaddr(*{$g}{$slot}) != Scalar::Util::refaddr($ref0)) {
            # Replaced by a glob assignment (*FORM = \%in if ...,
            # *view = \@rows): the compilation's variable goes back, as
            # the next request's new process would have it, unless the
            # glob is another's now (*a = *b: the check sees it).
            next unless own_glob(B::svref_2object($g), $e->[1], undef);
            *{$g} = $ref0;
        }
        my $ref = $slot eq 'SCALAR' ? (defined $ref0 ? $ref0 : *{$g}{SCALAR}) : *{$g}{$slot};
        next unless defined $ref;
        # Nothing to put back (the usual case) is seen before B is asked.
        if ($slot eq 'SCALAR') {
            next if tied $$ref || Scalar::Util::readonly($$ref);
            next if !$snap && !defined $$ref;
        } elsif ($slot eq 'ARRAY') {
            next if tied @$ref;
            next if !$snap && !@$ref;
        } else {
            next if tied %$ref;
            next if !$snap && !%$ref;
        }
        # Created at run time, and not only for this name: an alias.
        next if !$ref0 && B::svref_2object($ref)->REFCNT > 2
            && !($sv && $slot eq 'SCALAR' && Scalar::Util::refaddr($ref) == $sv);
        my $budget = 100_000;
        if ($slot eq 'SCALAR') {
            next unless plain($$ref, {}, \$budget);
            $$ref = $snap ? plain_copy($snap->[0]) : undef;
        } elsif ($slot eq 'ARRAY') {
            next unless plain($ref, {}, \$budget);
            @$ref = $snap ? @{ plain_copy($snap->[0]) } : ();
        } else {
            next unless plain($ref, {}, \$budget);
            %$ref = $snap ? %{ plain_copy($snap->[0]) } : ();
        }
    }
}

# registry_delete_new deletes the symbols created at run time in a symbol
# table of the script when they hold nothing but plain data.
sub registry_delete_new {
    my ($h) = @_;
    my $known = $REG_KNOWN{ Scalar::Util::refaddr($h) } or return;
    my $main = $h == \%main::;
    for my $k (keys %$h) {
        next if $known->{$k} || $k =~ /::\z/ || ($main && exists $MAIN0{$k});
        my $g = $h->{$k};
        next unless defined $g && ref(\$g) eq 'GLOB';
        next if *{$g}{CODE} || *{$g}{IO} || *{$g}{FORMAT};
        my $gv = B::svref_2object(\$g);
        next unless own_glob($gv, $k, undef);
        my $budget = 100_000;
        next if ref($gv->SV) ne 'B::SPECIAL' && !plain(${ *{$g}{SCALAR} }, {}, \$budget);
        next if *{$g}{ARRAY} && (tied @{ *{$g}{ARRAY} } || !plain(*{$g}{ARRAY}, {}, \$budget));
        next if *{$g}{HASH} && (tied %{ *{$g}{HASH} } || !plain(*{$g}{HASH}, {}, \$budget));
        delete $h->{$k};
    }
}

# closure_hazards inspects the script's named subs and END blocks: one that
# captures a file-scope lexical would see a stale copy from the second call
# on (perl's "Variable will not stay shared"); `state` variables persist.
sub closure_hazards {
    my ($wrapper, $cvs) = @_;
    my $w = B::svref_2object($wrapper);
    @GOTO_CVS = ();
    for my $pn (padnames($w)) {
        return 'state variable ' . $pn->PVX if $pn->FLAGS & B::PADNAMEt_STATE();
    }
    for my $cv ($w, map { B::svref_2object($_->[1]) } @$cvs) {
        next unless $cv->isa('B::CV') && !$cv->XSUB && from_script($cv->FILE);
        if (my $why = op_hazard($cv)) { return $why }
    }
    for my $entry (@$cvs) {
        my ($name, $code) = @$entry;
        my $cv = B::svref_2object($code);
        next unless $cv->isa('B::CV') && !$cv->XSUB && $cv->FILE eq $SCRIPT;
        for my $pn (padnames($cv)) {
            my $f = $pn->FLAGS;
            return "$name holds state variable " . $pn->PVX if $f & B::PADNAMEt_STATE();
            next unless $f & B::PADNAMEt_OUTER();
            next if $f & B::PADNAMEt_OUR();
            # (A named sub inside a named sub captures that sub's
            # variable: the same hazard, said as what it is.)
            my $out = $cv->OUTSIDE;
            return "$name captures file-scope lexical " . $pn->PVX if !$out->isa('B::CV') || $$out == $$w;
            return "$name captures lexical " . $pn->PVX . " of the sub around it";
        }
    }
    return @GOTO_CVS ? goto_hazard($w, $cvs) : undef;
}

# padnames returns the named lexicals of a sub (perl's own pad entries,
# e.g. "$" for a flip-flop's state, are left out).
# op_hazard returns what in a sub's code keeps state of its own from call
# to call, which a compilation used once would start afresh, or runs
# differently the second time: a flip-flop (`if /start/ .. /stop/`, its
# state in the pad), a glob in scalar context (its iterator is the op's),
# a match-once m?? (its "used" flag is the op's), `reset` (which resets
# them, and variables), a require of a file by name or expression
# (`require "lib.pl"`: the second time it finds the file in %INC and runs
# nothing), and a lexical whose `my` may not run (lexical_uses; past a
# goto: goto_hazard, once every sub is seen). They are
# looked for in the compiled code, not in the source text, where a word
# in a string (`<input type="reset">`, "fields you require $n") would
# count too; so is a /o regex with a pattern that interpolates, in any
# of its forms (m{...}o, s!!!o, split, qr, after `grep {`). The anonymous
# subs the code makes are looked into as well:
# their clones share their ops.
our %SCOPE_OP = map { $_ => 1 } qw(leave scope leaveloop leavetry leavegiven leavewhen leavesub leaveeval);
our %COND_OP = map { $_ => 1 } qw(and or dor cond_expr andassign orassign dorassign);
sub op_hazard {
    my ($cv) = @_;
    %FOREACH_VARS = ();    # (keyed by address: a freed sub's may be reused)
    my @cvs = ($cv);
    my %seen;
    my $n = 0;
    while (my $c = shift @cvs) {
        next if $seen{$$c}++;
        my $root = $c->ROOT;
        next unless $root && $$root;
        # (A closure's pad is new in each clone, a new one per request; an
        # anonymous sub that closes over nothing is not cloned.)
        my $own_pad = $$c == $$cv || !($c->CvFLAGS & B::CVf_CLONE());
        my $lex = $own_pad ? lexical_uses($c) : undef;
        my @todo = ([$root, 0, undef]);
        while (my $t = shift @todo) {
            my ($op, $croot, $chain) = @$t;
            return if ++$n > 500_000;
            my $name = $op->name;
            # (`..` compiles to flip and flop ops in list context too,
            # where it is a range with no state: grep {...} $i - 2 .. $i.
            # Only a flip the compiler did not mark for list context is a
            # flip-flop: scalar, or a context known at run time only.)
            return 'flip-flop (.. in scalar context)'
                if $name eq 'flip' && $own_pad
                && ($op->flags & B::OPf_WANT()) != B::OPf_WANT_LIST();
            return 'glob in scalar context' if $name eq 'glob' && ($op->flags & B::OPf_WANT()) == B::OPf_WANT_SCALAR();
            return 'reset' if $name eq 'reset';
            return 'm?? match-once' if $op->can('pmflags') && $op->pmflags & B::PMf_ONCE();
            return '/o regex' if $op->can('pmflags') && $op->pmflags & B::PMf_KEEP() && compiles_pattern($op);
            return 'm//g in scalar context on what may be a constant (its pos stays)'
                if $name eq 'match' && $op->pmflags & B::PMf_GLOBAL()
                && ($op->flags & B::OPf_WANT()) != B::OPf_WANT_LIST() && matches_alias($op, $c);
            return 'require of a file' if $name eq 'require' && !require_of_module($op, $c);
            if ($name eq 'anoncode' || $name eq 'anonconst') {
                my $proto = pad_value($c, $op->targ);
                push @cvs, $proto if $proto && $proto->isa('B::CV') && !$proto->XSUB;
            }
            $lex->{op}->($op, $croot, $chain) if $lex;
            push @GOTO_CVS, [$c, $own_pad] if $name eq 'goto' && !$seen{"goto $$c"}++ && !goto_sub($op);
            next unless $op->flags & B::OPf_KIDS();
            # A block is a scope of its own: what it declares is not seen
            # after it. The branches of a condition (all but its first
            # child) may not run: each is a root, below the outermost one
            # since the last block (what lexical_kept checks against).
            $croot = 0 if $SCOPE_OP{$name};
            my $branch = $COND_OP{$name};
            for (my $k = $op->first; $k && $$k; $k = $k->sibling) {
                if ($branch && $$k != ${ $op->first }) {
                    push @todo, [$k, $croot || $$k, [$$k, $chain]];
                } else {
                    push @todo, [$k, $croot, $chain];
                }
            }
        }
        if ($lex and my $why = $lex->{kept}->()) { return $why }
    }
    return;
}

# goto_hazard tells a `goto LABEL` (or a computed `goto $where`) that may
# land past a `my` whose variable is used after the label: `goto SHOW if
# $cached; my @log = (); SHOW: push @log, ...` does not run the `my`, and
# @log keeps what the last call (request) left in it. A goto jumps within
# its own sub when the label is there, else out of it to a caller's: the
# script's code or one of its named subs, anywhere before the label. A
# goto back, or one that skips only variables no code after the label
# uses, changes nothing.
sub goto_hazard {
    my ($w, $cvs) = @_;
    my %maps;
    my $map = sub { $maps{ ${ $_[0] } } //= goto_map(@_) };
    my @callers = grep { $_->isa('B::CV') && !$_->XSUB && from_script($_->FILE) }
        $w, map { B::svref_2object($_->[1]) } @$cvs;
    for my $g (@GOTO_CVS) {
        my ($c, $own) = @$g;
        my $m = $map->($c, $own);
        for my $goto (@{ $m->{gotos} }) {
            my ($at, $label) = @$goto;
            my $here = defined $label && $m->{labels}{$label};
            for my $l (defined $label ? $label : keys %{ $m->{labels} }) {
                if (my $why = skipped_my($m, $at, $l)) { return $why }
            }
            next if $here || $$c == $$w;
            for my $t (grep { $$_ != $$c } @callers) {
                my $tm = $map->($t, 1);
                for my $l (defined $label ? $label : keys %{ $tm->{labels} }) {
                    if (my $why = skipped_my($tm, 0, $l)) { return $why }
                }
            }
        }
    }
    return;
}

# skipped_my tells a label of the map m after the position from with a
# `my` between them whose variable is used after the label.
sub skipped_my {
    my ($m, $from, $label) = @_;
    for my $l (grep { $_ > $from } @{ $m->{labels}{$label} || [] }) {
        for my $i (sort { $a <=> $b } keys %{ $m->{decl} }) {
            next unless grep { $_ > $from && $_ < $l } @{ $m->{decl}{$i} };
            next unless grep { $_ > $l } @{ $m->{use}{$i} || [] };
            return "goto $label skips the my of $m->{names}{$i}: the variable keeps its value";
        }
    }
    return;
}

# goto_map numbers the ops of the sub c in the order of its source (each
# op before its kids) and returns where its labels, its gotos (with
# their label, undef for a computed one) and, for a sub with a pad of its
# own (own), the declarations and uses of its named lexicals are.
sub goto_map {
    my ($c, $own) = @_;
    my %named = $own ? named_slots($c) : ();
    my (%labels, @gotos, %decl, %use);
    my $at = 0;
    my @todo = ($c->ROOT);
    while (my $op = pop @todo) {
        next unless $$op;
        $at++;
        my $name = $op->name;
        if ($name eq 'nextstate' || $name eq 'dbstate') {
            my $l = $op->label;
            push @{ $labels{$l} }, $at if defined $l;
        } elsif ($name eq 'goto') {
            push @gotos, [$at, $op->flags & B::OPf_KIDS() ? undef : $op->pv] unless goto_sub($op);
        } elsif (%named and my ($d, @slots) = pad_ops($op, $c)) {
            push @{ ($d ? \%decl : \%use)->{$_} }, $at for grep { $named{$_} } @slots;
        }
        next unless $op->flags & B::OPf_KIDS();
        my @kids;
        for (my $k = $op->first; $k && $$k; $k = $k->sibling) { push @kids, $k }
        push @todo, reverse @kids;
    }
    return { names => \%named, labels => \%labels, gotos => \@gotos, decl => \%decl, use => \%use };
}

# goto_sub tells a goto op that calls a sub (`goto &name`, `goto &$code`).
sub goto_sub {
    my ($op) = @_;
    return $op->flags & B::OPf_KIDS() && $op->first->name eq 'srefgen';
}

# matches_alias tells a match (of the sub c) whose target may be a constant
# or an alias of one: a constant itself (matches_constant), `$_` (of a
# `for`, `grep` or `map` over literals), an element of `@_` (a sub called
# with a literal: `has_comma("a,b")`), the variable of a `foreach` (`for
# my $l (@{+LANGS})`), a dereference (`\"abab"`). A //g match in scalar
# context leaves its pos() on the target: a variable is made anew for each
# request, but a constant is the compilation's own, and the next request's
# match would start where this one stopped. (A target that is a variable
# after all only costs the script its registry.)
sub matches_alias {
    my ($op, $c) = @_;
    unless ($op->flags & B::OPf_STACKED()) {
        # $_, or a lexical the match names in its own slot.
        return !$op->targ || foreach_vars($c)->{ $op->targ } ? 1 : 0;
    }
    return 1 if matches_constant($op);
    my $t = $op->first;
    $t = $t->first while $$t && $t->name eq 'null' && $t->flags & B::OPf_KIDS();
    my $n = $$t ? $t->name : '';
    return 1 if $n eq 'aelemfast' || $n eq 'rv2sv';
    return 1 if $n eq 'padsv' && foreach_vars($c)->{ $t->targ };
    if ($n eq 'gvsv') {
        my $gv = $t->can('padix') ? pad_value($c, $t->padix) : $t->gv;
        return 1 if $gv && $gv->can('NAME') && $gv->NAME eq '_';
    }
    return 0;
}

# foreach_vars returns the pad slots of the loop variables of the sub c's
# foreach loops (`for my $x (...)`), looked for once per sub.
sub foreach_vars {
    my ($c) = @_;
    return $FOREACH_VARS{$$c} //= { map { $_->name eq 'enteriter' && $_->targ ? ($_->targ => 1) : () } ops_under($c->ROOT) };
}

# ops_under returns the ops of the tree under op, op included.
sub ops_under {
    my @ops;
    my @todo = @_;
    while (my $op = shift @todo) {
        next unless $$op;
        push @ops, $op;
        next unless $op->flags & B::OPf_KIDS();
        for (my $k = $op->first; $k && $$k; $k = $k->sibling) { push @todo, $k }
    }
    return @ops;
}

# matches_constant tells a match whose target is a constant or holds one
# (`"abab" =~ /b/g`, `LANGS =~ ...` of a `use constant`, `CFG->{path} =~
# ...`).
sub matches_constant {
    my ($op) = @_;
    return 0 unless $op->flags & B::OPf_STACKED() && $op->flags & B::OPf_KIDS();
    return (grep { $_->name eq 'const' } ops_under($op->first)) ? 1 : 0;
}

# compiles_pattern tells a match, substitution, qr or split whose pattern
# interpolates (it has a regcomp op), which /o compiles at its first run
# only and keeps in the op: `m{^\Q$q\E$}o` would match the first
# request's value for good. A /o on a literal pattern changes nothing.
sub compiles_pattern {
    my ($op) = @_;
    return 0 unless $op->flags & B::OPf_KIDS();
    for (my $k = $op->first; $k && $$k; $k = $k->sibling) {
        return 1 if $k->name eq 'regcomp';
    }
    return 0;
}

# lexical_uses collects, over a walk of a sub's ops (its {op}), where its
# named lexicals are declared and used, and its {kept} then tells one
# whose `my` may not run while the value stays visible: `my $x = ... if
# COND` (when COND is false perl neither clears $x nor makes it new, so
# it keeps what an earlier call left in it: perl documents the result as
# undefined, and a script whose compilation runs again and again sees it
# keep a value from request to request.) A `my` in a condition's branch
# used only in that branch (`elsif (my $m = ...) { $m }`) is fine. And
# one that perl compiles away with its statement, leaving the variable
# in sight: `my @seen = () if DEBUG` under `use constant DEBUG => 0`, `my
# @a while 0`, `(my $d) = () if 0` (only the bare `my $x if 0` is a
# compilation error, since perl 5.30): no op declares the variable, which
# is never made new.
sub lexical_uses {
    my ($c) = @_;
    my %named = named_slots($c) or return;
    my (%cintro, %uses, %declared);
    my $op = sub {
        my ($o, $croot, $chain) = @_;
        my ($decl, @slots) = pad_ops($o, $c) or return;
        if ($decl) {
            $declared{$_} = 1 for @slots;
            if ($croot) {
                push @{ $cintro{$_} }, $croot for grep { $named{$_} } @slots;
            }
        } else {
            push @{ $uses{$_} }, $chain for grep { $named{$_} } @slots;
        }
    };
    my $kept = sub {
        for my $i (sort { $a <=> $b } keys %uses) {
            return "lexical $named{$i} is never declared as the code runs (its my was compiled away: my ... if DEBUG, with a false constant): it keeps its value"
                unless $declared{$i};
        }
        for my $i (sort { $a <=> $b } keys %cintro) {
            for my $root (@{ $cintro{$i} }) {
                for my $chain (@{ $uses{$i} || [] }) {
                    my $in;
                    for (my $l = $chain; $l; $l = $l->[1]) {
                        $in = 1, last if $l->[0] == $root;
                    }
                    return "lexical $named{$i} is declared under a condition (my ... if ...): it keeps its value when the condition is false"
                        unless $in;
                }
            }
        }
        return;
    };
    return { op => $op, kept => $kept };
}

# named_slots returns the pad slots of a sub's own named lexicals (not
# those it captures, `our` or `state` ones), each with its name.
sub named_slots {
    my ($c) = @_;
    my $pl = $c->PADLIST;
    return unless $pl && $pl->can('ARRAY');
    my ($names) = $pl->ARRAY;
    return unless $names && $names->can('ARRAY');
    my @names = $names->ARRAY;
    my %named;
    for my $i (1 .. $#names) {
        my $pn = $names[$i];
        next unless ref($pn) eq 'B::PADNAME' && ($pn->PVX // '') =~ /^[\$\@%]./;
        next if $pn->FLAGS & (B::PADNAMEt_OUTER() | B::PADNAMEt_OUR() | B::PADNAMEt_STATE());
        $named{$i} = $pn->PVX;
    }
    return %named;
}

# pad_ops returns what an op of the sub c does with the sub's named
# lexicals: 1 and the pad slots it declares (`my`), or 0 and those it
# uses, or nothing. Most ops name their slot in targ (which some ops use
# for something else: a loop's iter counts the variables of `for my ($k,
# $v)`, a leave counts references). Some name it elsewhere: padrange a
# run of slots, a foreach over several variables the slots after its
# targ, `split` into a lexical array (`my @f = split ...`: no padav op is
# left) its pmreplroot, and multideref, perl's one op for an element
# chain (`$h{$k}`, `$r->{a}[$i]`, with a targ of 0), its aux list.
sub pad_ops {
    my ($o, $c) = @_;
    my $name = $o->name;
    return if $name eq 'null' || $name eq 'iter' || $name =~ /^leave/;
    my $p = $o->private;
    my $intro = $p & B::OPpLVAL_INTRO() ? 1 : 0;
    return (0, multideref_slots($o, $c)) if $name eq 'multideref';
    if ($name eq 'split') {
        return unless $p & B::OPpSPLIT_LEX();
        return ($intro, $o->pmreplroot);
    }
    my $targ = $o->targ or return;
    return ($intro, $targ .. $targ + ($p & B::OPpPADRANGE_COUNTMASK()) - 1) if $name eq 'padrange';
    return (1, $targ) if $name eq 'argelem';
    return ($intro, $targ .. $targ + $o->next->targ) if $name eq 'enteriter';
    # (An op that assigns its result to a lexical itself: `my $s = "a$b"`.)
    return ($intro && $p & B::OPpTARGET_MY() ? 1 : 0, $targ) if $name eq 'multiconcat' || $name eq 'emptyavhv';
    return ($intro, $targ) if $name =~ /^(?:pad[ahs]v|padsv_store|refassign|lvref|lvavref)\z/;
    return (0, $targ);
}

# multideref_slots returns the pad slots a multideref op of the sub c
# reads: its variable (`$h{...}`, `$a[...]`, `$r->...`) and a lexical
# index (`[$i]`, `{$k}`) at each step. Its aux list holds action words
# (a few bits per step, MDEREF_SHIFT apart), each step's items after them.
our %MDEREF_PAD = map { $_ => 1 } (B::MDEREF_AV_padav_aelem(), B::MDEREF_HV_padhv_helem(),
    B::MDEREF_AV_padsv_vivify_rv2av_aelem(), B::MDEREF_HV_padsv_vivify_rv2hv_helem());
our %MDEREF_GV = map { $_ => 1 } (B::MDEREF_AV_gvav_aelem(), B::MDEREF_HV_gvhv_helem(),
    B::MDEREF_AV_gvsv_vivify_rv2av_aelem(), B::MDEREF_HV_gvsv_vivify_rv2hv_helem());
sub multideref_slots {
    my ($o, $c) = @_;
    my @items = $o->aux_list($c);
    my $actions = shift @items;
    my @slots;
    while (defined $actions) {
        my $action = $actions & B::MDEREF_ACTION_MASK();
        if ($action == B::MDEREF_reload()) {
            $actions = shift @items;
            next;
        }
        if ($MDEREF_PAD{$action}) {
            push @slots, shift @items;
        } elsif ($MDEREF_GV{$action}) {
            shift @items;
        }
        my $index = $actions & B::MDEREF_INDEX_MASK();
        last if $index == B::MDEREF_INDEX_none();
        my $item = shift @items;    # a constant, a lexical or a global
        push @slots, $item if $index == B::MDEREF_INDEX_padsv();
        last if $actions & B::MDEREF_FLAG_last();
        $actions >>= B::MDEREF_SHIFT();
    }
    return @slots;
}

# require_of_module tells a require op of a module (a bareword: `require
# CGI`) or of a perl version (`require 5.006`, `require v5.10`) from one
# of a file (`require "lib.pl"`, `require $file`).
sub require_of_module {
    my ($op, $cv) = @_;
    my $k = $op->flags & B::OPf_KIDS() ? $op->first : undef;
    return 0 unless $k && $$k && $k->name eq 'const';
    return 1 if $k->private & B::OPpCONST_BARE();
    my $sv = $k->sv;
    # (A threaded perl keeps a sub's constants in its pad.)
    $sv = pad_value($cv, $k->targ) if !$sv->can('FLAGS');
    return 0 unless $sv && $sv->can('FLAGS');
    return 1 unless $sv->FLAGS & B::SVf_POK();    # a number: a version
    return $sv->can('MAGIC') && grep { $_->TYPE eq 'V' } $sv->MAGIC;    # a v-string
}

# pad_value returns the entry i of a sub's pad (a B object), or nothing.
sub pad_value {
    my ($cv, $i) = @_;
    my $pl = $cv->PADLIST;
    return unless $i && $pl && $pl->can('ARRAY');
    my (undef, $vals) = $pl->ARRAY;
    return unless $vals && $vals->can('ARRAY');
    return ($vals->ARRAY)[$i];
}

sub padnames {
    my ($cv) = @_;
    my $pl = $cv->PADLIST;
    return () unless $pl && $pl->can('ARRAY');
    my ($names) = $pl->ARRAY;
    return () unless $names && $names->can('ARRAY');
    return grep { ref($_) eq 'B::PADNAME' && ($_->PVX // '') =~ /^[\$\@%]./ } $names->ARRAY;
}

sub script_subs {
    my ($main_names, $pkgs) = @_;
    my @cvs;
    for my $k (@$main_names) {
        my $g = $main::{$k};
        my $code = entry_code($g) or next;
        push @cvs, ["sub main::$k", $code];
    }
    for my $pkg (@$pkgs) {
        my $h = stash($pkg) or next;
        for my $k (keys %$h) {
            my $g = $h->{$k};
            my $code = entry_code($g) or next;
            push @cvs, ["sub ${pkg}::$k", $code];
        }
    }
    # In the order of the source (then by name), not of the symbol
    # tables' hashes: the hazard auto names is the first in the file,
    # the same in every worker.
    my %line;
    for (@cvs) {
        my $cv = B::svref_2object($_->[1]);
        my $op = $cv->isa('B::CV') && !$cv->XSUB ? $cv->START : undef;
        $line{$_->[0]} = $op && $op->can('line') ? $op->line : 0;
    }
    return [sort { $line{ $a->[0] } <=> $line{ $b->[0] } || $a->[0] cmp $b->[0] } @cvs];
}

# ---------------------------------------------------------------------------
# The script's source.

sub read_script {
    open(my $fh, '<:raw', $SCRIPT) or die "open $SCRIPT: $!\n";
    local $/;
    my $src = <$fh>;
    close $fh;
    # Untainted under -T: perl never taints a program's own source, and a
    # tainted one compiled here leaves the `package` names it sets tainted
    # (PL_curstname keeps the taint magic), so that every later string
    # eval run from a package other than main compiles tainted constants:
    # an s///e there dies "sv_upgrade from type 7 down to type 6"
    # (HTML::Entities::encode_entities, i.e. CGI::escapeHTML).
    ($src) = $src =~ /\A(.*)\z/s if $TAINT_MODE && defined $src;
    return $src // '';
}

# split_source finds the data section (__END__ or __DATA__ on a line of its
# own, outside POD and here-docs) and what the code needs to compile alone.
sub split_source {
    my ($src) = @_;
    my ($pod, @heredoc) = (0);
    my $pos = 0;
    my $pkg = 'main';
    my $utf8 = 0;
    while ($src =~ /\G([^\n]*\n?)/gc) {
        my $line = $1;
        last if $line eq '';
        my $start = $pos;
        $pos += length $line;
        if (@heredoc) {
            my $tag = $heredoc[0];
            shift @heredoc if $line =~ /^\s*\Q$tag\E\r?\n?\z/;
            next;
        }
        if ($pod) {
            $pod = 0 if $line =~ /^=cut\b/;
            next;
        }
        if ($line =~ /^=[a-zA-Z]/) {
            $pod = 1 unless $line =~ /^=cut\b/;
            next;
        }
        if ($line =~ /^__(END|DATA)__\b/) {
            return (substr($src, 0, $start), $pos, $pkg, $utf8, 0);
        }
        (my $code = $line) =~ s/(?:^|\s)#.*//s;
        $pkg = $1 if $code =~ /^\s*package\s+([\w:]+)\s*;/;
        $utf8 = 1 if $code =~ /^\s*use\s+utf8\b/;
        $utf8 = 0 if $code =~ /^\s*no\s+utf8\b/;
        # The token after a statement on the same line (`...; __END__`),
        # outside a string: the code ends there, the data at the next line.
        if ($code =~ /^(.*[;}]\s*)__(?:END|DATA)__\s*\z/s && !in_string($1)) {
            return (substr($src, 0, $start + length $1), $pos, $pkg, $utf8, 0);
        }
        while ($code =~ /<<(~?)\s*(?:"([^"\n]*)"|'([^'\n]*)'|([A-Za-z_]\w*))/g) {
            my $tag = defined $2 ? $2 : defined $3 ? $3 : $4;
            # Not in a string (`print "<< Prev"`, a format's "@<<<"):
            # an odd count of quotes before it on the line.
            next if in_string(substr($code, 0, $-[0]));
            push @heredoc, $tag;
        }
    }
    return ($src, undef, $pkg, $utf8, $pod);
}

# probe_code_end asks perl where the script's code ends: a child compiles
# the whole file (output to /dev/null, its BEGIN blocks run as they will
# at each compilation) through a hook that feeds it line by line, and
# reports the end of the last line perl asked for. Perl stops reading at
# a real __END__ or __DATA__ token, wherever it is, and nowhere else: in a
# string, a regex, a format or a here-doc the text is no token. Returns
# (code, data offset) as split_source does ((source, undef) when perl
# read it all: no data section), or nothing if the child failed or
# stopped elsewhere (a BEGIN block's exit): the scan's answer stands then.
sub probe_code_end {
    my $pre = "package main; sub Menshen::Runner::Probe::code {\n#line 1\n";
    my $src = $pre . $SRC . "\n}\n";
    pipe(my $r, my $w) or return;
    my $pid = fork;
    return unless defined $pid;
    if (!$pid) {
        close $r;
        POSIX::dup2($DEVNULL_FD, $_) for 0, 1, 2;
        my $pos = 0;
        my $report = sub { syswrite($w, pack('N', $pos)); POSIX::_exit(0) };
        no warnings 'redefine';
        *CORE::GLOBAL::exit = $report;
        local $SIG{__WARN__} = sub { };
        local $SIG{__DIE__};
        local $SIG{ALRM} = sub { POSIX::_exit(1) };    # a BEGIN block that hangs: no answer
        alarm 2;
        unshift @INC, sub {
            return unless $_[1] eq 'Menshen/Runner/Probe.pl';
            return sub {
                if ($pos >= length $src) { $_ = ''; return 0 }
                my $nl = index($src, "\n", $pos);
                $nl = length($src) - 1 if $nl < 0;
                $_ = substr($src, $pos, $nl + 1 - $pos);
                $pos = $nl + 1;
                return 1;
            };
        };
        do 'Menshen/Runner/Probe.pl';
        $report->();
    }
    close $w;
    my $got = '';
    my $rin = '';
    vec($rin, fileno($r), 1) = 1;
    # (Briefly: the first request waits for it. A compilation slower than
    # that, a BEGIN block that sleeps, keeps the scan's answer.)
    if (select(my $rout = $rin, undef, undef, 3)) {
        sysread($r, $got, 4);
    }
    kill 'KILL', $pid;
    waitpid($pid, 0);
    close $r;
    return unless length $got == 4;
    my $end = unpack('N', $got) - length $pre;
    return ($SRC, undef) if $end > length $SRC;     # it read our closing brace: no token
    return if $end <= 0 || $end == length $SRC;
    my $start = rindex($SRC, "\n", $end - 2) + 1;
    my $line = substr($SRC, $start, $end - $start);
    while ($line =~ /__(?:END|DATA)__/g) {
        my $at = $-[0];
        next if in_string(substr($line, 0, $at));
        return (substr($SRC, 0, $start + $at), $end);
    }
    return;
}

# in_string reports whether the end of a line's text is inside a string
# literal opened on that line: an odd count of unescaped " or ' (the one
# that opens first counts, the other quote is literal within it). A line
# scan's guess, which is all split_source needs.
sub in_string {
    my ($text) = @_;
    my $open;
    while ($text =~ /(\\.|["'])/gs) {
        my $c = $1;
        next if length $c > 1;
        if (!defined $open) { $open = $c }
        elsif ($c eq $open) { undef $open }
    }
    return defined $open;
}

# code_only strips POD and whole-line comments for the hazard scan. A
# comment after code stays: a # may be inside a string or a regex
# (`my $s = "see #"; BEGIN {...}`), and what it hides would be missed; a
# hazard word in a comment only costs registry.
sub code_only {
    my ($code) = @_;
    $code =~ s/^=[a-zA-Z].*?(?:^=cut\b[^\n]*\n|\z)//msg;
    $code =~ s/^\s*#[^\n]*//mg;
    return $code;
}

# library_code returns the code (code_only) of the libraries the source
# $code requires or runs by a literal name (`require "./lib/cgi-lib.pl"`,
# `do 'conf.pl'`), and of those they name the same way: found from the
# script's directory, which is the working directory of every request, as
# of a CGI process. Read once, at start: at most 32 files of 4 MiB.
sub library_code {
    my ($code) = @_;
    my ($all, %seen, @todo) = ('');
    my $names = sub {
        push @todo, $_[0] =~ /(?<![\w\$\@%&>:])(?:require|do)\s*\(?\s*(?:"([^"\$\@\\\n]+)"|'([^'\\\n]+)')/g;
    };
    $names->($code);
    while (@todo && keys %seen < 32) {
        my $name = shift @todo;
        next unless defined $name;
        my $path = $name =~ m{^/} ? $name : "$SCRIPT_DIR/$name";
        next if $seen{$path}++ || !-f $path;
        open(my $fh, '<:raw', $path) or next;
        my $n = read($fh, my $src, 4 << 20);
        close $fh;
        next unless $n;
        my $lib = code_only($src);
        $all .= "\n$lib";
        $names->($lib);
    }
    return $all;
}

# A BEGIN block that only adds directories to @INC (literal ones, or
# under FindBin's directory of the script: $FindBin::Bin, or $Bin as
# imported) does the same in registry: the @INC the compilation leaves is
# every request's (@REG_INC).
my $BIN = qr{\$(?:FindBin::)?(?:Real)?Bin\b|\$\{(?:FindBin::)?(?:Real)?Bin\}};
my $INC_TERM = qr{'[^'\\]*'|"(?:[^"\\\$\@]|$BIN)*"|$BIN|qw\s*\([^)]*\)};
my $INC_ONLY_BEGIN = qr{
    (?<![\w\$\@%&>:])BEGIN\s*\{
    (?:\s*(?:use\s+FindBin(?:\s+qw\s*\([\w\s\$]*\))?|require\s+FindBin|(?:unshift|push)\s*\(?\s*\@INC\s*,\s*$INC_TERM(?:\s*[.,]\s*$INC_TERM)*\s*\)?)\s*;)*
    \s*(?:(?:unshift|push)\s*\(?\s*\@INC\s*,\s*$INC_TERM(?:\s*[.,]\s*$INC_TERM)*\s*\)?\s*)?
    \}
}x;

# A BEGIN block whose one statement is for mod_perl only (`... if
# $ENV{MOD_PERL};`, `if ($ENV{MOD_PERL}) { ... }`: scripts written for
# both) does nothing here when MOD_PERL is unset, which it is then in
# every request too: %ENV is a request's CGI variables and the configured
# ones, which this process started with.
my $MOD_PERL = qr{\$ENV\{\s*(?:MOD_PERL|'MOD_PERL'|"MOD_PERL")\s*\}};
my $MOD_PERL_BEGIN = qr{
    (?<![\w\$\@%&>:])BEGIN\s*\{\s*
    (?:[^{};]*?\sif\s*\(?\s*$MOD_PERL\s*\)?\s*;?|if\s*\(\s*$MOD_PERL\s*\)\s*\{[^{}]*\}\s*)
    \s*\}
}x;

# USE_ARGS matches the arguments of a `use` statement up to its `;`, past
# quoted strings that hold one (`join(';', ...)`, `q{don't}`).
my $USE_ARGS = qr~(?:\bq[qwr]?\s*(?:\{[^}]*\}|\([^)]*\)|\[[^\]]*\]|<[^>]*>)|[^;'"]|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")*~;

# static_hazards returns why compiling once would change what the script
# does, or nothing. (`do FILE` is none: it runs the file every time,
# whether the script is compiled once or not; what it changes, the
# checks after each request see.)
sub static_hazards {
    my ($code) = @_;
    $code =~ s/$INC_ONLY_BEGIN//g;
    $code =~ s/$MOD_PERL_BEGIN//g unless defined $ENV{MOD_PERL};
    my @checks = (
        [qr/(?<![\w\$\@%&>:])(BEGIN|CHECK|INIT|UNITCHECK)\s*\{/, sub { "$_[0] block" }],
        # (The compiled code is inspected for these too, where they are
        # found inside anonymous subs; the text still counts, for the
        # code a string eval compiles at run time, subs added to other
        # packages, lexical subs and formats. A `reset` right inside
        # quotes, a form's type="reset" or eq 'reset', is a word: what
        # reset would reset, m??, is looked for on its own.)
        [qr/(?<![\w\$\@%&>:])state\s*[\$\@%(]/, sub { 'state variable' }],
        # (A `state sub` is made once, with the lexicals of the first
        # call of its scope: `state sub greeting { "hello $user" }` keeps
        # the first request's $user.)
        [qr/(?<![\w\$\@%&>:])state\s+sub\b/, sub { 'state sub' }],
        [qr/(?<![\w\$\@%&>:])(require)\s*\(?\s*["'\$]/, sub { "$_[0] of a file" }],
        [qr/(?<![\w\$\@%&>:])m\?/, sub { 'm?? match-once' }],
        [qr/(?<![\w\$\@%&>:"'])reset\s*[(;'"]/, sub { 'reset' }],
        [qr{(?:=~|\(|,|\b(?:qr|m|split))\s*(?:qr|m)?/(?:[^/\\\n]|\\.)*/[a-z]*o[a-z]*\b}, sub { '/o regex' }],
        [qr{=~\s*s/(?:[^/\\\n]|\\.)*/(?:[^/\\\n]|\\.)*/[a-z]*o[a-z]*\b}, sub { '/o regex' }],
        [qr/\buse\s+constant\b$USE_ARGS\$ENV\b/, sub { 'use constant of %ENV' }],
    );
    for my $c (@checks) {
        my ($re, $why) = @$c;
        return $why->($1) if $code =~ $re;
    }
    return compile_time_values($code);
}

# compile_time_values returns why a `use constant` or `use if` computes
# something at compile time that a new process could compute otherwise
# (a file read, a file test, the time: `use constant TITLE => do {
# open ... }`, `use constant DEBUG => -e 'debug.flag'`, `use if -e
# 'flag', 'Data::Dumper'`), or nothing. Compiled once, the value would
# stay what the first request found. Literals, qw lists, constants the
# script defines, arithmetic and the pure built-ins (atan2, sqrt, ...)
# are static; so are $FindBin::Bin and the perl's own $] $^O $^V $^X.
my %PURE_WORD = map { $_ => 1 } qw(atan2 sqrt int abs exp log sin cos hex oct length lc uc
    lcfirst ucfirst sprintf join chr ord x eq ne lt gt le ge cmp and or not xor
    __PACKAGE__ __FILE__ __LINE__ undef),
    map { ("POSIX::$_" => 1) } qw(floor ceil fmod pow INT_MAX INT_MIN UINT_MAX LONG_MAX LONG_MIN DBL_MAX DBL_MIN);
sub compile_time_values {
    my ($code) = @_;
    return unless $code =~ /\buse\s+(?:constant|if)\b/;
    my %const;
    while ($code =~ /\buse\s+constant\s+(?:\{([^}]*)\}|([A-Za-z_]\w*))/g) {
        my ($list, $one) = ($1, $2);
        if (defined $one) { $const{$one} = 1 } else { $const{$1} = 1 while $list =~ /\b([A-Za-z_]\w*)\s*=>/g }
    }
    while ($code =~ /(?<![\w\$\@%&>:])use\s+(constant|if)\b($USE_ARGS);/g) {
        my ($what, $args) = ($1, $2);
        if ($what eq 'if') {
            # The condition: up to the first comma outside brackets.
            my $depth = 0;
            my $cond = '';
            for my $ch (split //, $args) {
                $depth++ if $ch =~ /[([{]/;
                $depth-- if $ch =~ /[)\]}]/;
                last if $ch eq ',' && $depth <= 0;
                $cond .= $ch;
            }
            $args = $cond;
        }
        my $rest = $args;
        # (A here-document that interpolates nothing: its text is a literal.)
        $rest =~ s/<<~?\s*'[A-Za-z_]\w*'//g;
        $rest =~ s/\$FindBin::(?:Real)?(?:Bin|Script)\b|\$\]|\$\^[OVX]\b//g;
        $rest =~ s/'(?:[^'\\]|\\.)*'//g;
        return "use $what computed at compile time" if $rest =~ /"(?:[^"\\]|\\.)*[\$\@](?:[^"\\]|\\.)*"/;
        $rest =~ s/"(?:[^"\\]|\\.)*"//g;
        $rest =~ s/\bqw?\s*(?:\([^)]*\)|\[[^\]]*\]|\{[^}]*\}|\/[^\/]*\/|!(?:[^!\\]|\\.)*!|\|[^|]*\|)//g;
        # (A pattern that interpolates nothing: `$` and `@` only as anchors.)
        $rest =~ s/\bqr\s*(\/(?:[^\/\\]|\\.)*\/|\{[^}]*\}|\([^)]*\)|!(?:[^!\\]|\\.)*!|\|[^|]*\|)[msixpn]*/$1 =~ m![\$\@][\w\{:]! ? $& : ''/ge;
        $rest =~ s/\b(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|v\d+(?:\.\d+)*)\b//g;
        $rest =~ s/\b[A-Za-z_]\w*\s*=>//g;
        return "use $what computed at compile time" if $rest =~ /[\$\@&`<]/;
        for my $w ($rest =~ /([A-Za-z_][\w:]*)/g) {
            return "use $what computed at compile time" unless $PURE_WORD{$w} || $const{$w};
        }
    }
    return;
}

# format_decls counts the format declarations of the source's text, in
# the code a string eval compiles too (`eval "format ROW =\n..."`, a
# here-document's): name => count, '' for a name built at run time
# (`format $name =`).
sub format_decls {
    my ($code) = @_;
    my %n;
    while ($code =~ /(?<![\w\$\@%&>:])format(?:\s+([\w:'\$\{\}]+))?\s*=[ \t\r]*(?:\n|\\n)/g) {
        my $name = $1 // 'STDOUT';
        $name = '' if $name =~ /[\$\{\}]/;
        $n{$name}++;
    }
    return %n;
}

# runtime_format tells a format the source declares that the compilation
# did not make: a string eval makes it as the script runs, over that run's
# lexicals, and a script that makes it once (`eval "format ROW =..."
# unless defined *ROW{FORMAT}`), compiled once, would write the first
# request's values for good. A format is in main:: or in a package of
# the script ($pkgs); the text declaring a name more times than there are
# such formats redefines one at run time.
sub runtime_format {
    my ($pkgs) = @_;
    for my $name (sort keys %SRC_FORMATS) {
        return 'format made at run time' if $name eq '';
        (my $full = $name) =~ s/'/::/g;
        my @in = $full =~ /^(.*)::(\w+)\z/ ? ([$1, $2]) : map { [$_, $full] } 'main', @$pkgs;
        my $made = 0;
        for my $pn (@in) {
            my $h = stash($pn->[0]) or next;
            my $g = $h->{ $pn->[1] };
            $made++ if defined $g && ref(\$g) eq 'GLOB' && *{$g}{FORMAT};
        }
        return "format $name made at run time" if $made < $SRC_FORMATS{$name};
    }
    return;
}

# named_globals collects the package-qualified names the source mentions.
sub named_globals {
    my ($code) = @_;
    my (%named, %declared, @watch);
    while ($code =~ /\bpackage\s+([A-Za-z_][\w:]*)/g) { $declared{$1} = 1 }
    # (And globs: `*Text::Wrap::wrap = sub {...}`, `*{"CGI::escapeHTML"}`
    # replace a module's sub.) A name may use perl 4's separator
    # ($Conf'count, cgi-lib-era code: perl reads $Conf::count), which
    # follows a word character ($h{'key'} names nothing). A symbolic
    # reference to a literal name (${"Conf::user"}, @{'Conf::list'}) names
    # its variable as plainly as $Conf::user does.
    while ($code =~ /([\$\@%*])\{?\s*((?:[A-Za-z_]\w*)?(?:::\w+|(?<=\w)'[A-Za-z_]\w*)+)|([\$\@%*])\{\s*["']((?:[A-Za-z_]\w*)(?:::\w+)+)["']\s*\}/g) {
        my ($sigil, $full) = defined $1 ? ($1, $2) : ($3, $4);
        $full =~ s/'/::/g;
        # An element or a slice names the array or the hash it is of:
        # $Mod::conf{k}, @Mod::list[0, 1], %Mod::conf{'a'}.
        if ($sigil ne '*' && substr($code, pos($code), 8) =~ /\A\s*([\[{])/) {
            $sigil = $1 eq '[' ? '@' : '%';
        }
        next unless $full =~ /^(.*)::(\w+)\z/;
        my ($pkg, $name) = ($1, $2);
        next if $pkg eq '' || $pkg eq 'main' || $pkg =~ /^::/;
        # The runner's own state is never the script's to restore.
        next if $pkg eq 'Menshen::Runner' || $pkg =~ /^Menshen::Runner::/;
        $named{$pkg} = 1;
        next if $declared{$pkg};
        push @watch, [$sigil, "${pkg}::$name"];
    }
    # A sub the text defines in another package names its glob as
    # `*Pkg::name = sub` does: in the code a string eval compiles too
    # (`eval 'sub Text::Wrap::my_helper {...}'`), whose sub would else
    # stay in the module's package for the worker's later requests.
    while ($code =~ /\bsub\s+([A-Za-z_]\w*(?:::\w+)*)::(\w+)/g) {
        my ($pkg, $name) = ($1, $2);
        next if $declared{$pkg} || $pkg eq 'main' || $pkg eq 'Menshen::Runner' || $pkg =~ /^Menshen::Runner::/;
        push @watch, ['*', "${pkg}::$name"];
    }
    # A package the script calls into by name (Counter::get(), Counter->new)
    # is named too: one that a `do FILE` fills at run time is the script's.
    while ($code =~ /(?<![\$\@%&\w:])([A-Za-z_]\w*(?:::\w+)*)::\w+\s*\(/g) { $named{$1} = 1 }
    while ($code =~ /(?<![\$\@%&\w:])([A-Za-z_]\w*(?:::\w+)*)\s*->\s*\w/g) { $named{$1} = 1 }
    while ($code =~ /\b([A-Za-z_]\w*(?:::\w+)+)::/g) { $named{$1} = 1 }
    while ($code =~ /\b([A-Za-z_]\w*(?:::\w+)+)\b/g) { $named{$1} = 1 }
    # A symbolic reference's string names its package (${"Session::owner"});
    # a stash element its own ($Cache::{"u_$u"}).
    while ($code =~ /[\$\@%*&]\{\s*["']((?:[A-Za-z_]\w*::)+)/g) { $named{substr($1, 0, -2)} = 1 }
    while ($code =~ /\b([A-Za-z_]\w*(?:::\w+)*)::\{/g) { $named{$1} = 1 }
    # A package a module fills with the request's data under a name the
    # script hands it as a string: Text::Template's `fill_in(PACKAGE =>
    # 'Letter', HASH => \%vars)` (its option in any case, with a dash or
    # not, the name quoted or bare). A new process has it empty; kept, a
    # field one request left ($Letter::email) would show in the next
    # request's page. Named, it is the script's: auto switches to perlrun
    # when a request makes it, and perlrun wipes it.
    while ($code =~ /(?<![\w\$\@%&:])-?package\s*=>\s*(["']?)([A-Za-z_]\w*(?:::\w+)*)\1/gi) { $named{$2} = 1 }
    return (\%named, \%declared, \@watch);
}

my @KNOWN_GLOBALS = map { ['$', $_] } (
    (map { "Data::Dumper::$_" } qw(Indent Trailingcomma Purity Pad Varname Useqq Terse Freezer
        Toaster Deepcopy Quotekeys Bless Pair Maxdepth Maxrecurse Useperl Sortkeys Deparse Sparseseen)),
    (map { "Carp::$_" } qw(Verbose CarpLevel MaxEvalLen MaxArgLen MaxArgNums RefArgFormatter)),
    (map { "Storable::$_" } qw(canonical forgive_me Deparse Eval)),
    (map { "Text::Wrap::$_" } qw(columns huge unexpand tabstop separator separator2 break)),
    (map { "CGI::Carp::$_" } qw(EMIT_WARNINGS CUSTOM_MSG DIE_HANDLER TO_BROWSER NO_TIMESTAMP FULL_PATH
        WRAP WARN PROGNAME)),
    'CGI::LIST_CONTEXT_WARN',
    (map { "Term::ANSIColor::$_" } qw(AUTORESET EACHLINE)),
    'File::Find::prune',
    # Class settings a script changes by a call, not by name, for one
    # request: Getopt::Long::Configure(qw(pass_through)),
    # Math::BigFloat->accuracy(5) (a money page's rounding), IE's
    # C:\ upload names through fileparse_set_fstype('MSWin32').
    (map { "Getopt::Long::$_" } qw(order autoabbrev getopt_compat ignorecase bundling passthrough
        genprefix gnu_compat auto_help auto_version longprefix debug)),
    (map { my $c = $_; map { "${c}::$_" } qw(accuracy precision div_scale round_mode upgrade downgrade) }
        qw(Math::BigInt Math::BigFloat)),
    'File::Basename::Fileparse_fstype', 'File::Basename::Fileparse_igncase',
    # (CGI::Session->name('APPSID') sets the class's cookie name: the
    # next user's session would be looked for under it. Its errstr, set
    # by a load that failed (a corrupt session file), makes every later
    # load fail: only new() clears it.)
    'CGI::Session::NAME', 'CGI::Session::IP_MATCH', 'CGI::Session::errstr',
);
# Time::Zone (Date::Format's %Z and %z, MIME::Lite's Date) keeps the local
# zone's offset as it first computes it: from the TZ of a process's first
# call, where a page in the user's zone (`local $ENV{TZ} = $user_tz`) got
# the last user's offset and zone name.
# CGI::Carp keeps the warnings of the run for warningsToBrowser: those a
# request did not print (it ended before warningsToBrowser(1), or never
# called it) showed in the next client's page. Its first value is known
# (%FIRST_KNOWN): each perlrun compilation adds its own compile-time
# warnings to an empty list, as a new process does (corpus
# carp_warnings_compile_w.pl).
push @KNOWN_GLOBALS, ['@', 'Time::Zone::tz_local'], ['@', 'CGI::Carp::WARNINGS'],
    # Module state a script changes by a call, kept by the module in a
    # package variable, that one client's request left for the next:
    # Log::Log4perl's configuration (init_once and `init() unless
    # initialized()` configured only the worker's first request: the
    # levels and appenders one request set stayed, a String appender's
    # lines piled up) and its mapped diagnostic context
    # (Log::Log4perl::MDC->put('user', $name): the last user's name in the
    # next request's log lines); Image::Size's cache of sizes by file name
    # and mtime (an avatar rewritten within the same second kept its old
    # size); Params::Validate's validation_options, kept per package.
    ['$', 'Log::Log4perl::Logger::INITIALIZED'], ['%', 'Log::Log4perl::MDC::MDC_HASH'],
    ['%', 'Image::Size::CACHE'], ['%', 'Params::Validate::OPTIONS'];
my %KNOWN_MADE = map { $_ => 1 } 'CGI::Session::errstr';

# snapshot_watched saves the watched module globals that exist now. A
# tied one is the module's to set ($DBI::errstr croaks on a store). A glob
# (`*Text::Wrap::wrap = sub`, a module's sub replaced at run time) is saved
# for its sub; one without a sub, or not there yet (`*CGI::debug_dump =
# sub`, `*{"UNIVERSAL::x"} = sub`: a sub added at run time), as a '-'
# entry [symbol table, '-', name, module file], the file while the
# package's module is not loaded. An empty scalar in a package whose
# module is not loaded yet is saved empty, marked with the module's
# file: a request that loads the module at run time and sets it
# (`require Bare; $Bare::who ||= $user`) must not leave it set for the
# next user, and restore_watched then puts back what the module sets as
# it loads.
# A variable the source names that is not there at all (a symbolic
# reference, ${"Mod::seen"}, makes its glob only when it runs; its package
# may not exist yet either) is saved as absent: [package name, '0', name,
# module file (while its module is not loaded), sigil]. A new process has
# no such variable: the request that makes it must not leave it for the
# next (restore_watched).
sub snapshot_watched {
    my (@snap, @absent);
    for my $w (@WATCH) {
        my ($pkg, $vars, undef, $file) = @$w;
        push @absent, $w unless exists $INC{$file};
        my $h = stash($pkg);
        if (!$h) {
            next unless $w->[2];
            push @snap, map { absent_entry($pkg, $_, $file) } grep { $_->[2] && $_->[0] ne '*' } @$vars;
            next;
        }
        for my $v (@$vars) {
            my ($sigil, $name) = @$v;
            my $g = $h->{$name};
            if ($sigil eq '*' && (!defined $g || ref(\$g) eq 'GLOB' && !*{$g}{CODE})) {
                push @snap, [$h, '-', $name, exists $INC{$file} ? undef : $file];
                next;
            }
            if (!(defined $g && ref(\$g) eq 'GLOB')) {
                push @snap, absent_entry($pkg, $v, $file) if $v->[2];
                next;
            }
            if ($sigil eq '*') {
                # (Not a sub the script's compilation defined there, `sub
                # UNIVERSAL::describe {...}`: it comes with the
                # compilation, and perlrun's undef_script_subs must find
                # it held by nothing else.)
                push @snap, [\*{$g}, '*', *{$g}{CODE}] unless from_script(B::svref_2object(*{$g}{CODE})->FILE // '');
                next;
            }
            # (Never asked as a boolean: a module's variable may be
            # blessed, Math::BigFloat's $round_mode is its tie object, and
            # its overloaded bool dies.)
            my $ref = $sigil eq '$' ? *{$g}{SCALAR} : $sigil eq '@' ? *{$g}{ARRAY} : *{$g}{HASH};
            if (!defined $ref) {
                # (The glob is there for another of its variables.)
                push @snap, absent_entry($pkg, $v, $file) if $v->[2];
                next;
            }
            if ($sigil eq '$') {
                my $type = Scalar::Util::reftype($ref);
                next if $type ne 'SCALAR' && $type ne 'REF';
                next if tied $$ref;
            } else {
                next if $sigil eq '@' ? tied @$ref : tied %$ref;
            }
            my @pending;
            if ($sigil eq '$' ? !defined $$ref : $sigil eq '@' ? !@$ref : !%$ref) {
                # Its module may not be loaded yet (see restore_watched):
                # a scalar, array or hash the script names before a
                # `require` fills it (%Mod::CODES, that the module's own
                # subs read).
                @pending = ($file, $pkg, $sigil eq '$' ? $name : "$sigil$name") unless exists $INC{$file};
            }
            push @snap, [$ref, $sigil, $sigil eq '$' ? $$ref : $sigil eq '@' ? [@$ref] : {%$ref}, @pending];
        }
    }
    ($SNAP_ABSENT, $SNAP_INC) = (\@absent, scalar keys %INC);
    return \@snap;
}

# known_loaded adds to the snapshot $snap the known globals (those the
# script does not name) of the modules the request loaded: a module the
# script loads at run time (`require CGI` in its body, as W3C's checklink
# does; `require File::Basename`) was not there when the snapshot was
# taken, and what the request left in its settings ($CGI::LIST_CONTEXT_WARN
# counted up by CGI.pm itself, File::Basename's fstype set by a call)
# must go back to what the module sets as it loads, which a new perl is
# asked (restore_watched), not stay for the next request. Only after a
# request that loaded a module (the caller asks).
sub known_loaded {
    my ($snap) = @_;
    for my $w (@$SNAP_ABSENT) {
        my ($pkg, $vars, undef, $file) = @$w;
        next unless $INC{$file} && stash($pkg);
        push @$snap, map { [$pkg, '0', $_->[1], $file, $_->[0]] } grep { !$_->[2] && $_->[0] ne '*' } @$vars;
    }
}

# is_empty tells whether the variable $ref (of sigil $sigil: $, @ or %)
# holds nothing: undef, or no element.
sub is_empty {
    my ($ref, $sigil) = @_;
    return $sigil eq '$' ? !defined $$ref : $sigil eq '@' ? !@$ref : !%$ref;
}

# absent_entry is the snapshot's entry for the variable [sigil, name] of
# package $pkg (its module file $file), not there now.
sub absent_entry {
    my ($pkg, $v, $file) = @_;
    return [$pkg, '0', $v->[1], exists $INC{$file} ? undef : $file, $v->[0]];
}

# module_made_key returns the %INC key of the loaded module file that is
# the module of package $pkg, not Pkg.pm (a second package of that file),
# or undef: the file (CvFILE) of a sub compiled in the package (not an
# imported one, nor a constant: those name the module that made them), or
# the module that declares it (declaring_module: a package of variables
# alone, whose globs the script's code that names them made). Looked for
# again only once %INC has changed, and only in a package there is.
sub module_made_key {
    my ($pkg) = @_;
    my $n = scalar keys %INC;
    return undef if ($MADE_TRIED{$pkg} // -1) == $n;
    my $h = stash($pkg) or return undef;
    my $mod = module_file_set();
    for my $k (keys %$h) {
        next if $k =~ /::\z/;
        my $g = \$h->{$k};
        next unless ref $g eq 'GLOB' && *{$g}{CODE};
        my $cv = B::svref_2object(*{$g}{CODE});
        next unless $cv->isa('B::CV') && ${ $cv->ROOT } && compiled_in($cv) eq $pkg;
        my $f = $cv->FILE;
        next unless defined $f && defined $mod->{$f} && $mod->{$f} ne $pkg;
        (my $key = "$mod->{$f}.pm") =~ s{::}{/}g;
        return $key;
    }
    my $key = declaring_module($pkg);
    return $key if defined $key;
    $MADE_TRIED{$pkg} = $n;
    return undef;
}

# declaring_module returns the %INC key of the loaded module of a name
# enclosing package $pkg (Foo.pm for Foo::Codes) whose code declares
# $pkg, or undef. A package of variables alone (`package Foo::Codes; our
# %CODES = (...)` after Foo.pm's own) tells its file nowhere else: no sub
# of it names one, and the glob of a variable the script's source names
# names the script (GvFILE), whose compilation made it before the module
# was required. A module file is read once for each such package (a few
# lookups in %INC for a package no loaded module encloses).
our %DECLARES;            # "Module/Key.pm\0package" => whether that module's code declares the package
sub declaring_module {
    my ($pkg) = @_;
    my $p = $pkg;
    while ($p =~ s/::\w+\z//) {
        (my $key = "$p.pm") =~ s{::}{/}g;
        my $file = $INC{$key};
        next unless defined $file && !ref $file;
        my $d = \$DECLARES{"$key\0$pkg"};
        $$d //= file_declares($file, $pkg);
        return $key if $$d;
    }
    return undef;
}

# file_declares tells whether the Perl file $file declares package $pkg
# in its code (`package NAME;`, `package NAME VERSION;`, `package NAME
# {`), not in its POD or after __END__.
sub file_declares {
    my ($file, $pkg) = @_;
    open(my $fh, '<', $file) or return 0;
    my $src = do { local $/; <$fh> } // '';
    close $fh;
    $src =~ s/^__(?:END|DATA)__\b.*//ms;
    $src =~ s/^=[a-zA-Z].*?(?:^=cut\b[^\n]*$|\z)//msg;
    return $src =~ /(?:^|[;{}])[ \t]*package\s+\Q$pkg\E(?:\s+v?[\d._]+)?\s*[;{]/m ? 1 : 0;
}

# load_values returns, for the scalars @names of package $pkg, the values a
# fresh perl has right after `require` of each of the files @$files (the
# package's module file; or the Perl 4 libraries a registry request loaded,
# restore_watched): a string, or undef (undefined, a reference, or no file
# loaded). A name
# with the sigil @ or % (an array or hash absent at the snapshot:
# snapshot_watched) gets a reference to the list of its elements, or of
# its keys and values, each as a scalar's (undef if the load failed). Asked once
# per variable per worker, of a new perl process with the same @INC, the
# worker's own starting environment (not a request's: no user's cookie
# goes into it), the script's directory as its cwd and its path as $0,
# after the answer.
# It gets a second at most: a module that waits at load (for a lock the
# worker holds, say) is killed, and its variables come back undef. What
# the module prints as it loads is dropped.
our (%LOAD_VALUE, %START_ENV);
my $LOAD_CODE = <<'CODE';
open my $out, '>&', \*STDOUT or exit 1;
open STDOUT, '>', '/dev/null';
open STDERR, '>', '/dev/null';
my ($s, $p, $nf, @n) = @ARGV;
my @f = splice(@n, 0, $nf);
$0 = $s;
chdir $1 if $s =~ m{\A(.*)/};    # (the script's directory, as a request starts in: `require "./lib.pl"`)
(grep { eval { require $_; 1 } } @f) or exit 1;
no strict 'refs';
for (@n) {
    my @v = /^\@(.*)/ ? @{"${p}::$1"} : /^%(.*)/ ? %{"${p}::$1"} : ${"${p}::$_"};
    print $out "L" . @v . "\n" if /^[\@%]/;
    for my $v (@v) {
        # (A scalar that holds a reference, an object the module made as
        # it loaded, cannot be carried over: R, and the variable keeps
        # the value the request's load gave it, see restore_watched.)
        if (ref $v && !/^[\@%]/) { print $out "R\n"; next }
        if (!defined $v || ref $v) { print $out "U\n"; next }
        $v = "$v";
        my $u = utf8::is_utf8($v) ? 1 : 0;
        utf8::encode($v) if $u;
        print $out ($u ? "E" : "D") . length($v) . ":$v\n";
    }
}
close $out;
exit 0;
CODE
# LOAD_REF stands, among load_values' answers, for a scalar that holds a
# reference as its module loads ($LWP::Simple::ua, the module's user
# agent object).
my $LOAD_REF = \'a reference';
sub load_values {
    my ($files, $pkg, @names) = @_;
    my $key = join "\0", @$files, '';
    my @ask = grep { !exists $LOAD_VALUE{"$key${pkg}::$_"} } @names;
    if (@ask) {
        my %got;
        my @inc = map { ("-I", $_) } grep { !ref } @INC;
        my ($fh, $pid);
        {
            # (Untainted under -T, the environment and the arguments: the
            # worker's own starting environment, not a request's, and
            # names the runner took from %INC and the script's source, to
            # a list-form open, no shell. Tainted, perl refused to start
            # it, "Insecure $ENV{PATH}" or "Insecure dependency in piped
            # open", and the worker ended after the answer of every -T
            # script that loads a module at run time and names a
            # variable of it.)
            local %ENV = map { defined $START_ENV{$_} && $START_ENV{$_} =~ /\A(.*)\z/s ? ($_ => $1) : () } keys %START_ENV;
            # (Nor a directory of PATH that is relative or world-writable,
            # which -T refuses whatever its taint, "Insecure directory in
            # $ENV{PATH}": perl is started by its full name, $^X.)
            $ENV{PATH} = join ':', grep { substr($_, 0, 1) eq '/' && !(((stat $_)[2] // 0) & 2) } split /:/, $ENV{PATH}, -1
                if $TAINT_MODE && defined $ENV{PATH};
            $pid = open($fh, '-|', map { /\A(.*)\z/s } $^X, @inc, '-e', $LOAD_CODE, $SCRIPT, $pkg, scalar(@$files), @$files, @ask);
        }
        if ($pid) {
            # (select says how much of the second is left: `time` counts
            # whole seconds, and a read just after one began would have
            # found none left.)
            my ($out, $left, $done) = ('', 1, 0);
            my $rin = '';
            vec($rin, fileno($fh), 1) = 1;
            while ($left > 0) {
                (my $n, $left) = select(my $rout = $rin, undef, undef, $left);
                next if $n < 0 && $!{EINTR};
                last if $n <= 0;
                my $r = sysread($fh, $out, 65536, length $out);
                next if !defined $r && $!{EINTR};
                if (!$r) { $done = 1; last }
            }
            kill 'KILL', $pid unless $done;    # timed out
            close $fh;
            if ($done && $? == 0) {
                my $one = sub {
                    if ($out =~ s/\A([DE])(\d+)://) {
                        my ($kind, $len) = ($1, $2);
                        my $v = substr($out, 0, $len, '');
                        utf8::decode($v) if $kind eq 'E';
                        $out =~ s/\A\n//;
                        return $v;
                    }
                    return $LOAD_REF if $out =~ s/\AR\n//;
                    $out =~ s/\AU\n//;
                    return undef;
                };
                for my $n (@ask) {
                    if ($n =~ /^[\@%]/) {
                        my $count = $out =~ s/\AL(\d+)\n// ? $1 : 0;
                        $got{$n} = [map { $one->() } 1 .. $count];
                    } else {
                        $got{$n} = $one->();
                    }
                }
            }
        }
        $LOAD_VALUE{"$key${pkg}::$_"} = $got{$_} for @ask;
    }
    return map { $LOAD_VALUE{"$key${pkg}::$_"} } @names;
}

# note_first keeps, for each watched global not seen before, its value in
# a snapshot (the first one it is in). A reference (a code ref from
# set_message, an object) is not kept: it would come from a compilation of
# the script, which that value would then outlive; such a global is only
# restored after each request. The globals are held weakly: one that
# perlrun's end of a request frees (a package only the script's
# compilation makes, `require "./lib/conf.pl"` with its `package Conf`)
# is a new variable at the next compilation, at a new address, and its
# entry goes, else the list grew by one a request, and every request
# walked it.
sub note_first {
    my ($snap) = @_;
    if (grep { !defined $_->[0] } @WATCH_FIRST) {
        @WATCH_FIRST = grep { defined $_->[0] } @WATCH_FIRST;
        %WATCH_SEEN = map { (Scalar::Util::refaddr($_->[0]) => 1) } @WATCH_FIRST;
    }
    for my $s (@$snap) {
        # (No sub is no first value: the request that adds one takes it
        # away again, see restore_watched. Nor is no variable.)
        next if $s->[1] eq '-' || $s->[1] eq '0';
        my $a = Scalar::Util::refaddr($s->[0]);
        next if $WATCH_SEEN{$a}++;
        my ($ref, $sigil, $val) = @$s;
        if ($sigil ne '*' and my ($v) = known_first($ref, $sigil)) {
            push @WATCH_FIRST, [$ref, $sigil, $sigil eq '$' ? $$v : $sigil eq '@' ? [@$$v] : {%$$v}];
            Scalar::Util::weaken($WATCH_FIRST[-1][0]);
            next;
        }
        next if $sigil eq '$' && ref $val;
        # (A sub the script's compilation put in the glob is not a first
        # value either.)
        next if $sigil eq '*' && from_script(B::svref_2object($val)->FILE // '');
        push @WATCH_FIRST, [$ref, $sigil, $sigil eq '@' ? [@$val] : $sigil eq '%' ? {%$val} : $val];
        Scalar::Util::weaken($WATCH_FIRST[-1][0]);
    }
}

# Globals whose value in a new process is known, where the first snapshot
# that has them may hold what a compilation's BEGIN made of them: CGI::Carp
# leaves its fatalsToBrowser and warningsToBrowser switches and its program
# name unset, and sets its message and die hooks to undef, as it loads; a
# BEGIN that imports fatalsToBrowser for a developer's cookie only sets the
# switch in the compilation that loads the module. Its list of warnings
# starts empty: the first snapshot has the compile-time warnings of the
# compilation that loaded it, which every later compilation adds again.
my %FIRST_KNOWN = ((map { ("\$CGI::Carp::$_" => undef) } qw(WRAP WARN PROGNAME CUSTOM_MSG DIE_HANDLER)),
    '@CGI::Carp::WARNINGS' => []);

# (The glob slot of each sigil.)
my %IMPORT_SLOT = ('$' => 'SCALAR', '@' => 'ARRAY', '%' => 'HASH');

# known_first returns a reference to the known first value of the global
# $ref (sigil $, @ or %), or nothing.
sub known_first {
    my ($ref, $sigil) = @_;
    for my $full (keys %FIRST_KNOWN) {
        next unless substr($full, 0, 1) eq $sigil;
        my ($pkg, $name) = $full =~ /^.(.*)::(\w+)\z/ or next;
        my $h = stash($pkg) or next;
        my $g = $h->{$name};
        next unless defined $g && ref(\$g) eq 'GLOB';
        my $slot = *{$g}{ $IMPORT_SLOT{$sigil} } or next;
        return \$FIRST_KNOWN{$full} if Scalar::Util::refaddr($slot) == Scalar::Util::refaddr($ref);
    }
    return;
}

# watch_imports adds to the watched globals each module variable the
# script imported under a name its source gives (`use Text::Tabs;
# $tabstop = 4`: $main::tabstop is $Text::Tabs::tabstop): changed through
# that name it is the module's state all the same, and the next request
# would find it changed where a new process has the module's value. Perl
# flags a glob that got a variable from another package's glob; the
# variable is the one of that name in a loaded module's package. Not
# English's (perl's own variables under other names, put back apart) nor
# a magical one (tied, or the interpreter's). Run when the compilation
# loaded modules since it last looked: in perlrun, whose every
# compilation imports again, a key count a request; the variables are
# the modules' own, the same for every compilation.
sub watch_imports {
    $IMPORTS_INC = scalar keys %INC;
    my %flag = ('$' => B::GVf_IMPORTED_SV(), '@' => B::GVf_IMPORTED_AV(), '%' => B::GVf_IMPORTED_HV());
    my %have = map { my $p = $_->[0]; map { ("$_->[0]${p}::$_->[1]" => 1) } @{ $_->[1] } } @WATCH;
    my @mods = grep { $_ ne 'English' } map { is_module_key($_) ? key_package($_) : () } keys %INC;
    my $added;
    for my $v (sort keys %IMPORT_NAMES) {
        my ($sigil, $name) = (substr($v, 0, 1), substr($v, 1));
        next unless exists $main::{$name};
        my $e = \$main::{$name};
        next unless ref $e eq 'GLOB' && B::svref_2object($e)->GvFLAGS & $flag{$sigil};
        my $ref = *{$e}{ $IMPORT_SLOT{$sigil} } or next;
        next if B::svref_2object($ref)->MAGICAL;
        for my $pkg (@mods) {
            my $h = stash($pkg) or next;
            next unless exists $h->{$name};
            my $g = \$h->{$name};
            next unless ref $g eq 'GLOB';
            my $theirs = *{$g}{ $IMPORT_SLOT{$sigil} } or next;
            next unless Scalar::Util::refaddr($theirs) == Scalar::Util::refaddr($ref);
            last if $have{"$sigil${pkg}::$name"}++;
            my ($w) = grep { $_->[0] eq $pkg } @WATCH;
            push @WATCH, $w = [$pkg, [], 0, package_key($pkg)] unless $w;
            push @{ $w->[1] }, [$sigil, $name, 0];
            $added = 1;
            last;
        }
    }
    @WATCH = sort { $a->[0] cmp $b->[0] } @WATCH if $added;
}

# new_libs returns the libraries (a require "lib.pl", no Module/Name.pm)
# that %INC has got since registry saved the watched globals, sorted, or
# undef if none.
sub new_libs {
    my @libs = sort grep { !$REG_WATCHED_LIBS{$_} && !is_module_key($_) && defined $INC{$_} && !ref $INC{$_} } keys %INC;
    return @libs ? \@libs : undef;
}

# MODULE SETTINGS IN LEXICALS. A module may keep a setting in a lexical
# of its own file, in C, or inside a shared object, reached only through
# its API, which the watched globals cannot see: one user's setting
# reached the next user's page. Known ones, each put back after each
# request to what it was when first seen after a compilation (as a new
# process has it); a module a request loads itself starts from the
# module's own default as it loads:
#   - DateTime's default locale (DateTime->DefaultLocale('fr') for one
#     user's page gave the next user's dates in French);
#   - Time::Piece's day and month names and separators (day_list,
#     mon_list, use_locale, date_separator, time_separator: file
#     lexicals, reached through the pads of the subs that use them);
#   - XML::Twig's output styles (set_pretty_print, set_empty_tag_style,
#     set_quote, set_indent...: XML::Twig::Elt's file lexicals, which
#     its global_state and set_global_state read and write);
#   - LWP::Simple's shared user agent ($ua->agent("Intranet/alice"), a
#     default header, a cookie jar: the next user's fetches went out with
#     them), put back in place (the same object, its contents copied);
#   - GD's default for new images (GD::Image->trueColor(1), a C global:
#     the next user's image was true colour, other bytes);
#   - Sys::Syslog's log mask (setlogmask);
#   - MIME::Lite's class-level send method, header order and boundary
#     counter (file lexicals: the next user's mail went out through the
#     transport one request chose); GD::Graph::colour's colour names
#     (add_colour; a file lexical); PDF::API2's counter of resource
#     names ($PDF::API2::Util::key_var: /HelvCBB in a later PDF where a
#     new process writes /HelvCBA); Mail::Sendmail's %mailcfg with its
#     lists (`unshift @{$mailcfg{smtp}}, $server` on every request);
#     Date::Calc's language (Language(), a C global of Date::Calc::XS);
#     Date::Manip's configuration (Date_Init: its shared objects made
#     anew, as its load makes them);
#   - the stores of in-memory caches shared by the process:
#     Cache::MemoryCache's (Cache::MemoryBackend's file lexical) and that
#     of CHI's Memory driver with `global => 1` (a package hash of a
#     driver CHI loads at run time, which the watched globals do not
#     see): a hit from the previous user, where a CGI process starts
#     with an empty cache. Such a cache no longer saves work from one
#     request to the next, as in CGI; a file cache does.
# Each is [%INC key, get, set, default]: get returns the setting as data
# (compared by content, copied for keeping: state_sig, state_copy), set
# puts a copy back, default returns the module's own as it loads.
# Cost: none for a script that loads none of them (a count of %INC
# compared), get and a comparison for each one it loads.
# (The runner reaches their subs and variables through loaded_sub and
# package_var, never by name: a name in its source would make the
# package in every script's interpreter, as a fresh perl has it not.)
our @MODULE_SETTINGS = (
    ['DateTime.pm', \&datetime_locale, sub { DateTime->DefaultLocale($_[0]) }, sub { 'en-US' }],
    ['Time/Piece.pm', \&time_piece_vars, sub { set_lexicals($_[0], time_piece_vars()) }, \&time_piece_default],
    ['XML/Twig.pm', sub { module_call('XML::Twig::Elt', 'global_state') },
        sub { module_call('XML::Twig::Elt', 'set_global_state', $_[0]) }, \&twig_default],
    ['LWP/Simple.pm', sub { ${ package_var('LWP::Simple', 'ua', 'SCALAR') } }, \&lwp_simple_set, \&lwp_simple_default],
    ['GD.pm', sub { GD::Image->trueColor() }, sub { GD::Image->trueColor($_[0]) }, sub { 0 }],
    # (LOG_UPTO(LOG_DEBUG): every priority.)
    ['Sys/Syslog.pm', sub { module_call('Sys::Syslog', 'setlogmask', 0) },
        sub { module_call('Sys::Syslog', 'setlogmask', $_[0]) }, sub { 255 }],
    ['Cache/MemoryBackend.pm', \&memory_backend_vars, sub { set_lexicals($_[0], memory_backend_vars()) }, sub { [\{}] }],
    ['CHI/Driver/Memory.pm', sub { package_var('CHI::Driver::Memory', 'Global_Datastore', 'HASH') },
        sub { %{ package_var('CHI::Driver::Memory', 'Global_Datastore', 'HASH') } = %{ $_[0] } }, sub { {} }],
    ['MIME/Lite.pm', \&mime_lite_vars, sub { set_lexicals($_[0], mime_lite_vars()) }, \&mime_lite_default],
    # (No default: a request that loads GD::Graph::colour itself may have
    # added colours already; its table is put back only when the
    # compilation loaded it, `use GD::Graph::bars`.)
    # (Date::Calc's language, a C global of Date::Calc::XS; 1 is English.)
    ['Date/Calc.pm', sub { module_call('Date::Calc', 'Language') }, sub { module_call('Date::Calc', 'Language', $_[0]) }, sub { 1 }],
    ['Date/Manip/DM6.pm', \&date_manip_get, \&date_manip_set, \&date_manip_default],
    # (Mail::Sendmail's %mailcfg, what its elements hold too: its own
    # documentation has every script `unshift @{$mailcfg{'smtp'}}, $server`,
    # which a restore of the hash alone let grow by one server a request.
    # No default: a request's own `require` keeps what it did.)
    ['Mail/Sendmail.pm', sub { package_var('Mail::Sendmail', 'mailcfg', 'HASH') },
        \&mail_sendmail_set, sub { undef }],
    # (PDF::API2's counter of resource names, /HelvCBA then /HelvCBB: a
    # fresh process's first PDF names its font CBA.)
    ['PDF/API2/Util.pm', sub { ${ package_var('PDF::API2::Util', 'key_var', 'SCALAR') } },
        sub { ${ package_var('PDF::API2::Util', 'key_var', 'SCALAR') } = $_[0] }, sub { 'CBA' }],
    ['GD/Graph/colour.pm', \&gd_graph_colour_get, \&gd_graph_colour_set, sub { undef }],
);
our %MODSET_BASE;        # %INC key => [kept copy, its state_sig]
our @MODSET_LIVE;        # the entries whose module is loaded
our $MODSET_INC = -1;    # keys %INC when @MODSET_LIVE was made

sub datetime_locale {
    local ($@, $!);
    my $l = eval { DateTime->DefaultLocale } or return undef;
    return ref $l ? eval { $l->can('code') ? $l->code : $l->id } : "$l";
}

# module_settings_live makes @MODSET_LIVE again and keeps the setting of
# each module seen for the first time: as it is now after a compilation
# ($default false), or the module's default after a request that loaded
# it.
sub module_settings_live {
    my ($default) = @_;
    $MODSET_INC = keys %INC;
    @MODSET_LIVE = grep { defined $INC{ $_->[0] } } @MODULE_SETTINGS;
    local ($@, $!, $_);
    for my $m (@MODSET_LIVE) {
        next if $MODSET_BASE{ $m->[0] };
        # (A setting that cannot be read, in a version of the module
        # made otherwise, is left alone.)
        my $v = eval { $m->[1]->() };
        $v = eval { $m->[3]->() } if $default && defined $v;
        next unless defined $v;
        $v = state_copy($v);
        $MODSET_BASE{ $m->[0] } = [$v, state_sig($v)];
    }
}

sub restore_module_settings {
    module_settings_live(1) if scalar(keys %INC) != $MODSET_INC;
    local ($@, $!, $_);
    for my $m (@MODSET_LIVE) {
        my $base = $MODSET_BASE{ $m->[0] } or next;
        my $now = eval { $m->[1]->() };
        next if defined $now && state_sig($now) eq $base->[1];
        eval { $m->[2]->(state_copy($base->[0])); 1 } or logmsg("restoring the settings of $m->[0]: $@");
    }
}

# state_sig says what a setting holds, by content: the registry's
# fingerprint, with no bound on its size (a setting is what its module
# keeps, not the script's data).
sub state_sig {
    my $budget = ~0 >> 1;
    return fingerprint($_[0], {}, \$budget);
}

# state_copy copies a setting as state_sig reads it: what it enters is
# new (blessed as it was, shared parts shared again), the rest the same.
sub state_copy {
    my ($v, $seen) = @_;
    return $v unless ref $v;
    my $addr = Scalar::Util::refaddr($v);
    $seen //= {};
    return $seen->{$addr} if exists $seen->{$addr};
    my $t = Scalar::Util::reftype($v);
    my $c;
    if ($t eq 'HASH') {
        $seen->{$addr} = $c = {};
        $c->{$_} = state_copy($v->{$_}, $seen) for keys %$v;
    } elsif ($t eq 'ARRAY') {
        $seen->{$addr} = $c = [];
        push @$c, state_copy($_, $seen) for @$v;
    } elsif ($t eq 'SCALAR' || $t eq 'REF') {
        my $s;
        $seen->{$addr} = $c = \$s;
        $s = state_copy($$v, $seen);
    } else {
        return $v;
    }
    my $b = Scalar::Util::blessed($v);
    return defined $b ? bless($c, $b) : $c;
}

# module_call calls the sub $pkg::$name with @args; it dies when there
# is none.
sub module_call {
    my ($pkg, $name, @args) = @_;
    my $code = loaded_sub($pkg, $name) or die "no ${pkg}::$name\n";
    return $code->(@args);
}

# package_var returns a reference to the variable $pkg::$name of the
# slot $slot ('SCALAR', 'HASH'); it dies when there is none.
sub package_var {
    my ($pkg, $name, $slot) = @_;
    my $h = stash($pkg);
    my $g = $h ? $h->{$name} : undef;
    my $ref = defined $g && ref(\$g) eq 'GLOB' ? *{$g}{$slot} : undef;
    return $ref // die "no ${pkg}::$name\n";
}

# module_lexicals returns references to the file lexicals of a module
# that its subs use ([sub, names...] each), or undef when one is not
# found; kept while those subs stay the same.
our %MODSET_LEX;
sub module_lexicals {
    my ($pkg, @where) = @_;
    my @code = map { loaded_sub($pkg, $_->[0]) or return undef } @where;
    my $key = join ',', $pkg, map { Scalar::Util::refaddr($_) } @code;
    my $kept = $MODSET_LEX{$pkg};
    return $kept->[1] if $kept && $kept->[0] eq $key;
    my @refs;
    for my $i (0 .. $#where) {
        my ($sub, @names) = @{ $where[$i] };
        for my $n (@names) {
            push @refs, pad_var($code[$i], $n) // return undef;
        }
    }
    $MODSET_LEX{$pkg} = [$key, \@refs];
    return \@refs;
}

# set_lexicals puts a copy of what module_lexicals' references held back
# into them.
sub set_lexicals {
    my ($copy, $live) = @_;
    die "its lexicals are not found\n" unless $live;
    for my $i (0 .. $#$copy) {
        my $t = Scalar::Util::reftype($live->[$i]);
        if ($t eq 'ARRAY') { @{ $live->[$i] } = @{ $copy->[$i] } }
        elsif ($t eq 'HASH') { %{ $live->[$i] } = %{ $copy->[$i] } }
        else { ${ $live->[$i] } = ${ $copy->[$i] } }
    }
}

# Time::Piece: the names day_list and mon_list set and use_locale fills,
# and the separators.
sub time_piece_vars {
    return module_lexicals('Time::Piece', ['_default_locale', qw(@FULLDAY_LIST @DAY_LIST @FULLMON_LIST @MON_LIST $LOCALE)],
        ['date_separator', '$DATE_SEP'], ['time_separator', '$TIME_SEP']);
}

sub time_piece_default {
    return [[qw(Sunday Monday Tuesday Wednesday Thursday Friday Saturday)], [qw(Sun Mon Tue Wed Thu Fri Sat)],
        [qw(January February March April May June July August September October November December)],
        [qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)], \undef, \'-', \':'];
}

# (init_global_state's values, with the indent and wrap the module starts
# with.)
sub twig_default {
    return { %{ module_call('XML::Twig::Elt', 'global_state') }, pretty => 0, quote => '"', indent => '  ', empty_tag_style => 0,
        remove_cdata => 0, keep_encoding => 0, expand_external_entities => 0, output_filter => undef,
        output_text_filter => undef, keep_atts_order => undef, do_not_escape_amp_in_atts => 0 };
}

# MIME::Lite: the class-level send method and its arguments
# (MIME::Lite->send('sendmail', $cmd)), the header order
# (MIME::Lite->field_order) and the boundary counter.
sub mime_lite_vars {
    return module_lexicals('MIME::Lite', ['send', '$Sender', '%SenderArgs'], ['field_order', '@FieldOrder'],
        ['gen_boundary', '$BCount']);
}

sub mime_lite_default {
    return [\($^O =~ /win32|cygwin/i ? 'smtp' : 'sendmail'), { sendmail => [], smtp => [], sub => [] }, [], \0];
}

# GD::Graph::colour: its colour names (add_colour, read_rgb, and the
# "#rrggbb" names _rgb adds) and the colours it warned of once. Read as
# one string (a name, \x01, its values; \x00 between; \x02 before the
# warned names): a fingerprint of the table itself, ninety-odd values,
# cost a GD::Graph script 0.1 ms a request.
sub gd_graph_colour_vars {
    return module_lexicals('GD::Graph::colour', ['add_colour', '%RGB'], ['_rgb', '%warned_clrs']);
}

sub gd_graph_colour_get {
    my ($rgb, $warned) = @{ gd_graph_colour_vars() // die "its lexicals are not found\n" };
    return join("\x00", map { "$_\x01" . join(',', ref $rgb->{$_} eq 'ARRAY' ? @{ $rgb->{$_} } : ()) } sort keys %$rgb)
        . "\x02" . join("\x00", sort keys %$warned);
}

sub gd_graph_colour_set {
    my ($rgb, $warned) = @{ gd_graph_colour_vars() // die "its lexicals are not found\n" };
    my ($colours, $names) = split /\x02/, $_[0], -1;
    %$rgb = map { my ($n, $v) = split /\x01/, $_, -1; ($n => [split /,/, $v]) } grep { length } split /\x00/, $colours;
    %$warned = map { ($_ => 1) } grep { length } split /\x00/, $names;
}

# Date::Manip (6): the configuration Date_Init sets (DateFormat,
# Language, SetDate, TZ...) lives in the objects its functions share,
# made as it loads ($Date::Manip::DM6::date and the others). Read as one
# string of its 23 plain settings; put back by making those objects anew,
# as the module's load does (about 5 ms, only after a request that
# changed a setting), then setting again what the compilation had set.
sub date_manip_conf {
    my ($dmb) = @_;
    my $c = ref $dmb && ref $dmb->{data} eq 'HASH' ? $dmb->{data}{sections}{conf} : undef;
    die "no configuration\n" unless ref $c eq 'HASH';
    return join("\x00", map { "$_\x01" . ($c->{$_} // '') } sort keys %$c);
}

# (new is Date::Manip::Obj's, which Date::Manip::Date inherits.)
sub date_manip_new {
    my $class = 'Date::Manip::Date';
    my $new = $class->can('new') or die "no ${class}::new\n";
    return $new->($class);
}

sub date_manip_get {
    return date_manip_conf(${ package_var('Date::Manip::DM6', 'dmb', 'SCALAR') });
}

sub date_manip_default {
    return date_manip_conf(date_manip_new()->base);
}

sub date_manip_set {
    my ($want) = @_;
    my $var = sub { package_var('Date::Manip::DM6', $_[0], 'SCALAR') };
    my $ut = date_manip_new();
    $ut->config('setdate', 'now,Etc/GMT');
    my $date = date_manip_new();
    ${ $var->('dateUT') } = $ut;
    ${ $var->('date') } = $date;
    ${ $var->('date2') } = $date->new_date;
    ${ $var->('delta') } = $date->new_delta;
    ${ $var->('recur') } = $date->new_recur;
    ${ $var->('dmb') } = $date->base;
    ${ $var->('dmt') } = $date->tz;
    my %want = map { split /\x01/, $_, 2 } split /\x00/, $want;
    my %now = map { split /\x01/, $_, 2 } split /\x00/, date_manip_conf($date->base);
    my @diff = map { ($_, $want{$_}) } grep { !exists $now{$_} || $now{$_} ne $want{$_} } sort keys %want;
    $date->config(@diff) if @diff;
}

# Mail::Sendmail's %mailcfg gets its elements back, a list in the same
# array (the watched globals' restore puts the same references back).
sub mail_sendmail_set {
    my ($copy) = @_;
    my $cfg = package_var('Mail::Sendmail', 'mailcfg', 'HASH');
    for my $k (keys %$cfg) {
        delete $cfg->{$k} unless exists $copy->{$k};
    }
    for my $k (keys %$copy) {
        if (ref $cfg->{$k} eq 'ARRAY' && ref $copy->{$k} eq 'ARRAY') {
            @{ $cfg->{$k} } = @{ $copy->{$k} };
        } else {
            $cfg->{$k} = $copy->{$k};
        }
    }
}

sub memory_backend_vars {
    return module_lexicals('Cache::MemoryBackend', ['_get_store_ref', '$Store_Ref']);
}

# The user agent keeps its place ($LWP::Simple::ua, and `use LWP::Simple
# qw($ua)` in the script), and gets back what it held.
sub lwp_simple_set {
    my ($copy) = @_;
    my $var = package_var('LWP::Simple', 'ua', 'SCALAR');
    my $ua = $$var;
    if (ref $ua && ref $ua eq ref $copy && Scalar::Util::reftype($ua) eq 'HASH') {
        %$ua = %$copy;
    } else {
        $$var = $copy;
    }
}

sub lwp_simple_default {
    my $ua = LWP::UserAgent->new;
    $ua->agent('LWP::Simple/' . (${ package_var('LWP::Simple', 'VERSION', 'SCALAR') } // '') . ' ');
    $ua->env_proxy;
    return $ua;
}

sub restore_watched {
    my ($snap, $libs) = @_;
    # A variable saved empty while its package had no module, whose module
    # the request loaded (`require CGI::Session`, DBI its driver): what it
    # starts with is what the module sets as it loads, not undef, which
    # would undo the load ($CGI::Session::NAME, a driver's $VERSION); nor
    # what the request set after (`$Bare::who ||= $user`: the next user's).
    # The same for an array or hash saved empty (`require RtMod;` with
    # %RtMod::CODES named: the module's subs read what it filled), and
    # for a variable that was absent, a scalar, an array or a hash: it is
    # the module's now (`require Mod; push @{"Mod::seen"}, $u` on every
    # request must not pile up).
    # A Perl 4 library has no module file: registry loads it once, in the
    # request whose run requires it (`require "./datelib.pl"`, with its
    # `package datelib`; cgi-lib.pl's $cgi_lib'version), after the
    # variables the source names were saved empty, and it is not loaded
    # again. Such a variable that holds something now gets what the
    # libraries that request loaded (@$libs, new_libs) set as they load,
    # which a new perl is asked the same way; undef would empty the tables
    # the library's subs read, for good. What the request set after
    # ($datelib'sep for one user) is not kept either.
    my %loaded;
    for my $s (@$snap) {
        next unless defined $s->[0];    # (a first value's variable, freed: note_first)
        next unless defined $s->[3];
        my $lib = !exists $INC{ $s->[3] };
        # The module file of a package is Pkg.pm, unless the package is a
        # second one of a module file (Menshen/FailMulti.pm's `package
        # Menshen::FailMulti::Util`): that file is its module (a
        # variable saved absent or empty there was filled by its load).
        if ($lib && $s->[1] =~ /\A[0\$\@%]\z/
            and my $key = module_made_key($s->[1] eq '0' ? $s->[0] : $s->[4])) {
            $s->[3] = $key;
            $lib = 0;
        }
        next if $lib && !$libs;
        if ($s->[1] eq '0') {
            my ($pkg, $name, $file, $sigil) = @$s[0, 2, 3, 4];
            my $h = stash($pkg) or next;
            my $g = $h->{$name};
            next unless defined $g && ref(\$g) eq 'GLOB';
            my $ref = $sigil eq '$' ? *{$g}{SCALAR} : $sigil eq '@' ? *{$g}{ARRAY} : *{$g}{HASH};
            next unless defined $ref && !($lib && is_empty($ref, $sigil));
            @$s = ($ref, $sigil, undef, $file, $pkg, $sigil eq '$' ? $name : "$sigil$name");
        } elsif ($s->[1] ne '$' && $s->[1] ne '@' && $s->[1] ne '%') {
            next;
        } elsif ($lib && is_empty($s->[0], $s->[1])) {
            next;
        }
        push @{ $loaded{ join "\0", $s->[4], $lib ? @$libs : $s->[3] } }, $s;
    }
    for my $key (keys %loaded) {
        my @ents = @{ $loaded{$key} };
        my ($pkg, @files) = split /\0/, $key;
        my @vals = load_values(\@files, $pkg, map { $_->[5] } @ents);
        for my $i (0 .. $#ents) {
            my $e = $ents[$i];
            my $sigil = $e->[1];
            my $val = $sigil eq '$' ? $vals[$i] : $sigil eq '@' ? [@{ $vals[$i] || [] }] : {@{ $vals[$i] || [] }};
            # An object the module made as it loaded (its user agent,
            # its handle) is the one the request's load made: undef
            # would leave the module without it for good (`require
            # LWP::Simple; $LWP::Simple::ua->agent(...)`: a 502 from the
            # next request on). What is in it stays, as under mod_perl.
            $val = ${ $e->[0] } if ref $val && $val == $LOAD_REF;
            $e->[2] = $val;
            splice @$e, 3;
            for my $f (@WATCH_FIRST) {
                $f->[2] = $val if defined $f->[0] && $f->[0] == $e->[0];
            }
        }
    }
    for my $s (@$snap) {
        my ($ref, $sigil, $val) = @$s;
        next unless defined $ref;
        if ($sigil eq '$') {
            no warnings;
            next if (defined $$ref ? "$$ref" : "\0undef") eq (defined $val ? "$val" : "\0undef")
                && (ref $$ref ? Scalar::Util::refaddr($$ref) : 0) == (ref $val ? Scalar::Util::refaddr($val) : 0);
            # (A store that magic refuses, a read-only value: left.)
            eval { $$ref = $val; 1 };
        } elsif ($sigil eq '@') {
            eval { @$ref = @$val; 1 };
        } elsif ($sigil eq '%') {
            eval { %$ref = %$val; 1 };
        } elsif ($sigil eq '*') {
            # (registry keeps a module's sub the script replaced, as
            # mod_perl does: a "patch once" guarded by a global that
            # persists there too. auto is registry only while no global
            # changes: the patch comes back each request.)
            next if $MODE eq 'registry';
            my $code = *{$ref}{CODE};
            next if $code && $code == $val;
            no warnings;
            *{$ref} = $val;
        } elsif ($sigil eq '0') {
            # A variable that was absent is emptied: undef, or an empty
            # array or hash, which is what a new process reads through
            # its name. The glob stays, with its other slots: compiled
            # code may hold it (a module or a string eval the request
            # compiled naming $Mod::seen), and a deleted glob would part
            # that code from the name; undefining the whole glob would
            # take a sub or a handle of that name with it. (One whose
            # module this request loaded is no longer absent: see above.)
            next if defined $s->[3] && exists $INC{ $s->[3] };
            my $h = stash($ref) or next;
            my $g = $h->{ $s->[2] };
            next unless defined $g && ref(\$g) eq 'GLOB';
            my $v = $s->[4];
            if ($v eq '$') {
                my $r = *{$g}{SCALAR};
                eval { undef $$r; 1 } if defined $$r;
            } elsif (my $r = $v eq '@' ? *{$g}{ARRAY} : *{$g}{HASH}) {
                eval { $v eq '@' ? (@$r = ()) : (%$r = ()); 1 };
            }
        } else {
            # A sub the request added to a module's package goes, as a
            # replaced one is put back (and kept by registry the same
            # way). Not one its module, loaded by the request, defined:
            # the module stays loaded, and a replacement of that sub is
            # the module's from now on (README).
            next if $MODE eq 'registry' || !exists $ref->{$val};
            my $e = \$ref->{$val};    # (the entry itself: a copy of a glob has a body of its own)
            next unless ref $e eq 'GLOB' && *{$e}{CODE};
            next if defined $s->[3] && exists $INC{ $s->[3] };
            # A glob holds no "no sub" to assign: it is emptied, which
            # also tells perl's method caches, and given its other slots
            # back. (Deleting it would part the script's compiled code,
            # which holds the glob, from the name.)
            my @keep = grep { defined } map { *{$e}{$_} } qw(SCALAR ARRAY HASH IO FORMAT);
            undef *{$e};
            *{$e} = $_ for @keep;
        }
    }
}

# ---------------------------------------------------------------------------
# Compiling the script.

my $HOOK_NAME = 'Menshen/Runner/Script.pl';
our $COMPILED = 0;
our $HOOK_SRC;
our $TAIL;          # the wrapper's text after the script's code, until perl reads it
our $TAIL_AT;       # [file, line] where perl read it: the script's code was all read
our $DIED;          # [$@, message, the script's handler called] of the last die while compiling
our $CHAIN;         # [the script's __DIE__ handler], replaced by the hook where its code ends
our $IN_WARN_CHAIN; # the compile filter calls the handler before it, for a handler chained to it
our @HOOK_MORE;     # the script's code still to give perl after $HOOK_SRC (next_part)
our $WARN_FILTER;   # compile_script's __WARN__ filter, while it is installed
our $WARN_WRAP;     # [wrapper, handler]: a handler the compilation installed, wrapped (next_part)
our $DIAG_DUP;      # diagnostics' own count of each warning it has met (diag_repeat)
our $ERRNO_EACH;    # the script's code names %! (or %ERRNO, %OS_ERROR) and each: restore_interpreter
our $PARSE_DIE;     # dies in the script's file (compile_script)
our $COMPILE_FILTER; # compile_script's __WARN__ filter, while the script compiles
our $WRAPPER_CV;    # B::CV of the wrapper sub being compiled (wrapper_begun), while it compiles

sub hook {
    my (undef, $name) = @_;
    return unless defined $name && $name eq $HOOK_NAME && defined $HOOK_SRC;
    my $src = $HOOK_SRC;
    return (\$src, @HOOK_MORE ? \&next_part : \&tail);
}

# next_part gives perl the next piece of the script's code (warn_parts),
# then the tail. A __WARN__ handler that the code read so far installed (a
# module's as it loaded: CGI::Carp's, diagnostics'; a BEGIN block's) took
# the place of compile_script's filter, and would hear the wrapper sub's
# "will not stay shared" for the named subs that follow: it is wrapped in
# the filter's test, with the same frames (goto), until the compilation
# ends, when the handler itself is put back.
sub next_part {
    goto &tail unless @HOOK_MORE;
    my $h = $SIG{__WARN__};
    if (ref $h eq 'CODE' && $h != $WARN_FILTER && !($WARN_WRAP && $h == $WARN_WRAP->[0])) {
        my $wrap = sub {
            return if compile_noise($_[0]);
            goto &$h;
        };
        $WARN_WRAP = [$wrap, $h];
        $SIG{__WARN__} = $wrap;
    }
    $_ = shift @HOOK_MORE;
    return 1;
}

# compile_noise tells whether a warning is one the wrapper sub makes perl
# say while it compiles, which a script file never hears.
sub compile_noise {
    return closure_noise($_[0])
        || $_[0] =~ /^Warning: Use of "exit" without parentheses is ambiguous at /
        || cg_noise($_[0]);
}

# closure_noise tells whether a warning is the wrapper sub's "will not
# stay shared": a named sub (or BEGIN block, or string eval run by one)
# of the script's using a variable that perl finds in the wrapper's pad,
# a file-scope lexical, which a script file never hears about (its file
# scope is the main program's, compiled once). Perl says it where it
# finds the variable, in the innermost sub being compiled that has it in
# scope: where the wrapper has none of that name in scope, that sub is
# one of the script's named subs, and the warning is perl's own for a
# script file too (a named sub inside a named sub): it is heard, and
# where the script made warnings FATAL (warnings_import keeps the mark)
# it dies, as perl's does (the __DIE__ hook sees it, and the compilation
# fails with it). (A variable of the same name in a named sub around the
# one compiled, shadowing a file-scope one, cannot be told from that
# here: that warning is not heard.)
sub closure_noise {
    my ($w, $no_die) = @_;
    # (Also "is not available" as the script compiles: a named sub in an
    # anonymous one using its lexical, an error under FATAL as the other.)
    return 0 unless $w =~ /^(?:Variable|Subroutine) "([^"]+)" (?:will not stay shared|is not available) at (.*?) line \d+[,.]/;
    my $var = $1;
    return 0 unless $WRAPPER_CV && in_script_compile();
    return 1 if wrapper_lexical($var);
    return 0 if $no_die || !$^H{'Menshen::Runner/closure_fatal'};
    # (Not through a handler of the script's: perl's FATAL warning is a
    # die, which only __DIE__ handlers see.)
    local $SIG{__WARN__};
    die $w;
}

# in_script_compile tells whether what perl compiles now is the script's
# own code, or a string eval run as it compiles (in a BEGIN block), whose
# lexicals perl may look for in the wrapper's pad: the innermost file
# being compiled (require, use, do FILE) is the script's.
sub in_script_compile {
    for (my $i = 0; ; $i++) {
        my @c = CORE::caller($i) or return 0;
        return defined $c[6] && $c[6] eq $HOOK_NAME if $c[7];
    }
}

# wrapper_lexical tells whether the wrapper sub being compiled has a
# lexical of that name in scope: declared (not captured: the wrapper
# captures nothing) and its scope not yet ended.
sub wrapper_lexical {
    my ($var) = @_;
    my $pl = $WRAPPER_CV->PADLIST;
    return 0 unless $pl && $pl->can('ARRAY');
    my ($names) = $pl->ARRAY;
    return 0 unless $names && $names->can('ARRAY');
    for my $pn ($names->ARRAY) {
        next unless ref($pn) eq 'B::PADNAME' && ($pn->PVX // '') eq $var;
        next if $pn->FLAGS & (B::PADNAMEt_OUTER() | B::PADNAMEt_OUR());
        return 1 if $pn->COP_SEQ_RANGE_HIGH == 0xFFFFFFFF;
    }
    return 0;
}

# wrapper_begun is called by a BEGIN block at the start of the wrapper
# sub's body, with that block itself (__SUB__): the sub around it is the
# wrapper, being compiled (closure_noise looks into its pad). (Not an
# anonymous sub made there, whose OUTSIDE is the block too: that left the
# wrapper 12k instructions a request dearer.)
sub wrapper_begun {
    my $w = B::svref_2object($_[0])->OUTSIDE;
    $WRAPPER_CV = $w->isa('B::CV') ? $w : undef;
}

# cg_noise tells whether a warning is perl's about a sub put in place of
# one of the runner's own overrides of builtins (CORE::GLOBAL::exit,
# caller, fork): "Prototype mismatch: sub CORE::GLOBAL::exit (;$) vs
# none", or "Subroutine CORE::GLOBAL::exit redefined" under `use
# warnings`. A new process has no sub there to replace and says nothing;
# here the script's own exit override (a module's, or a BEGIN block's
# under a name made as it runs) warned at every compilation. perl warns
# before the glob gets the new sub: the runner's is still there. Seen by
# STDERR's layer, and by the compile filter under -w; not by a __WARN__
# handler of the script's own, nor where the warning is FATAL.
sub cg_noise {
    return 0 unless $_[0] =~ /^(?:Prototype mismatch: sub |Subroutine )CORE::GLOBAL::(\w+) /;
    my $own = $CG_OWN{$1} or return 0;
    my $e = \$CORE::GLOBAL::{$1};
    return ref $e eq 'GLOB' && (*{$e}{CODE} // 0) == $own;
}

# warn_parts cuts the script's code where a __WARN__ handler installed as
# it compiles may have to be wrapped (next_part): before a line that
# declares a named sub, when a `use`, `no` or BEGIN came since the last
# cut. Perl reads the code a line at a time anyway; it asks for the next
# piece once the statements before it have run. One piece (no cut) for
# most scripts.
sub warn_parts {
    my ($code) = @_;
    my ($from, $ct, @parts) = (0, 0);
    while ($code =~ /^[^\n#]*?(?:\b(use|no|BEGIN)\b|\bsub\s+[A-Za-z_:'])/mg) {
        if (defined $1) {
            $ct = 1;
        } elsif ($ct && $-[0] > $from) {
            push @parts, substr($code, $from, $-[0] - $from);
            ($from, $ct) = ($-[0], 0);
        }
    }
    return (@parts, substr($code, $from));
}

# tail gives perl the wrapper's end once it has read the script's code (a
# generator after the hook's text): it runs whether or not the code had
# errors, with perl's position in the script (the file and line a #line
# may have set) and its compile-time state there. That state is what a
# BEGIN block at that point would have seen: the data section's handle is
# the package's in effect where the code ends (a `package` in a block is
# over by then) and has a :utf8 layer if `use utf8` is in effect there.
# What dies from here on is the hook's to see (see compile_script): a
# handler the script set instead is called from the hook.
sub tail {
    if (!defined $TAIL) {
        $_ = '';
        return 0;
    }
    my @c = CORE::caller(0);
    $TAIL_AT = [$c[1], $c[2]];
    if (defined $DATA_OFFSET) {
        $DATA_PKG = B::curstash()->NAME;
        $DATA_UTF8 = $c[8] & 0x00800000 ? 1 : 0;
    }
    my $h = $SIG{__DIE__};
    if (!ref $h || $h != \&compile_die) {
        $CHAIN = [$h];
        $SIG{__DIE__} = \&compile_die;
    }
    $_ = $TAIL;
    undef $TAIL;
    return 1;
}

# from_script reports whether a sub's file is the script's (as compiled
# through the hook: its path, or the hook's name when #line cannot say it).
sub from_script {
    my ($f) = @_;
    return $f eq $SCRIPT || $f =~ m{/\Q$HOOK_NAME\E\z};
}

# undef_script_subs undefines the subs this compilation defined in the
# packages of @SUB_PKGS that perlrun's wipe left (it deletes the packages
# the script created; UNIVERSAL, CGI... stay): in a new process they do
# not exist before the compilation, which would now say "Subroutine
# UNIVERSAL::describe redefined", fatal under `use warnings FATAL =>
# 'all'`. A sub something else still holds is left alone.
sub undef_script_subs {
    for my $pkg (@SUB_PKGS) {
        my $h = stash($pkg) or next;
        for my $k (keys %$h) {
            my $code = entry_code($h->{$k}) or next;
            my $cv = B::svref_2object($code);
            next unless $cv->isa('B::CV') && !$cv->XSUB && ${ $cv->ROOT };
            next unless from_script($cv->FILE);
            next if $cv->REFCNT > 2;    # the glob and $code
            undef &$code;
        }
    }
}

sub unhook {
    @INC = grep { !ref $_ || $_ != \&hook } @INC;
}

# compile returns the script as a sub, or (undef, $@) when it does not
# compile. It runs inside the request: BEGIN blocks print to the client.
sub compile_script {
    # #line cannot quote a '"' (main refuses newlines): such a file keeps
    # the hook's name in messages.
    my $line = $SCRIPT =~ /"/ ? '#line 1' : qq{#line 1 "$SCRIPT"};
    # A named sub, not an anonymous one: an anonymous sub whose lexicals
    # are captured by named subs is a closure prototype, and calling it
    # runs a clone the named subs never see.
    my $n = ++$COMPILED;
    my $name = "Menshen::Runner::Compiled::script$n";
    # The last statement tells that the script ran to its end (see
    # returned_early).
    my $rguard = $RETURN_GUARD ? 'my $__menshen_return_guard__ = Menshen::Runner::ReturnGuard->new;' : '';
    # The hook leaves @INC as the compilation starts (while perl still
    # walks @INC it must stay): the script's `use` of a missing module
    # lists @INC as a new process has it.
    # The script's code ends its last line (a comment there must not take
    # the tail); the tail (see tail) has no quote or slash: after a
    # runaway string or pattern it ends nothing, and perl says so.
    # Under -w the code comes in pieces (warn_parts, next_part).
    # (In pieces whatever the warnings: a handler the script installs is
    # wrapped by next_part under `use warnings` too, where the 'closure'
    # category stays on: closure_noise.)
    my $wfilter = $^W || $USE_V536;
    local @HOOK_MORE = @CODE_PARTS[1 .. $#CODE_PARTS] if @CODE_PARTS > 1;
    local $HOOK_SRC = "package Menshen::Runner; BEGIN { unhook() } package main; sub $name {BEGIN { Menshen::Runner::wrapper_begun(CORE::__SUB__) }$rguard\n$line\n"
        . (@HOOK_MORE ? $CODE_PARTS[0] : $CODE_SRC =~ /\n\z/ ? $CODE_SRC : "$CODE_SRC\n");
    local $TAIL = ";\$Menshen::Runner::FELL_OFF = 1;}\n;\\&$name;\n";
    local $TAIL_AT;
    # How a compilation that fails failed decides what perl would have
    # printed: a die while the script compiles (a lexer error, a regex that
    # does not compile, a die in BEGIN, `use` after errors) or a parse that
    # ended with errors (at the end, or before it where perl gives up),
    # which perl ends with its "Execution of ... aborted" line. The
    # __DIE__ hook sees each die; and a die puts its
    # message in $@ in place of the errors perl had queued there, which
    # perl prints as it finds them: the hook sees them, before. The
    # handler of an earlier compilation's module (a perlrun leftover) is
    # out of the way meanwhile, as in a new process; one the script sets
    # (CGI::Carp's) replaces the hook until the script's code ends (a die
    # before that is no parse that ended: that handler has seen it).
    local $DIED;
    local $CHAIN;
    my $prev_die = $SIG{__DIE__};
    $SIG{__DIE__} = \&compile_die;
    # Not `local @INC`: `use lib` in the script must outlive the compilation.
    unshift @INC, \&hook;
    my $prev = $SIG{__WARN__};
    my $self;
    local $WARN_WRAP if @HOOK_MORE;
    my $filter = sub {
        return if compile_noise($_[0]);
        # Called by a handler chained to it (one a module installed as the
        # script compiled, which calls the handler it found there): this
        # filter stands for what was there before it. It calls that
        # handler, unless it is the one calling (under perlrun the next
        # compilation finds diagnostics' warn_trap there, and each would
        # call the other for ever). diagnostics' warn_trap has printed the
        # warning the first time the process saw it (explained, if perl
        # documents it), and prints nothing for a repeat of a documented
        # one: a new process would explain it at every request, so that
        # repeat is printed plain (diag_repeat, diag_known).
        my $cur = $SIG{__WARN__};
        $cur = $WARN_WRAP->[1] if $WARN_WRAP && ref $cur eq 'CODE' && $cur == $WARN_WRAP->[0];
        if (!(ref $cur eq 'CODE' && $self && $cur == $self)) {
            if (ref $prev eq 'CODE' && !(ref $cur eq 'CODE' && $prev == $cur) && !$IN_WARN_CHAIN) {
                local $IN_WARN_CHAIN = 1;
                return $prev->(@_);
            }
            # Else nothing more: in a new process the handler calling
            # found none (a script's own BEGIN-time wrapper, `$old->(@_) if
            # $old`), and has done what there is to do.
            return unless ref $cur eq 'CODE' && defined &diagnostics::warn_trap && $cur == \&diagnostics::warn_trap;
            (my $w = $_[0]) =~ s/(\.\s*)?\n+\z//;
            return unless diag_repeat($w) && diag_known($w);
        } elsif (ref $prev eq 'CODE') {
            return $prev->(@_);
        }
        printf STDERR '%s', $_[0];
    };
    $self = $filter;
    Scalar::Util::weaken($self);
    # (Only under -w, or `use v5.36` and later, which enable warnings
    # without warnings::import: a BEGIN block of a `use warnings` script
    # sees no handler of ours; the wrapper's "will not stay shared" is
    # dropped by STDERR's layer there, or by next_part's wrapping of the
    # script's own handler.)
    $SIG{__WARN__} = $filter if $wfilter;
    local $WARN_FILTER = $filter if @HOOK_MORE;
    local $COMPILE_FILTER = $filter;
    no warnings 'redefine';
    local *warnings::import = \&warnings_import;
    use warnings 'redefine';
    # The cleanup runs however the compilation ends: exit in a BEGIN block
    # leaves through here with `last`.
    local $WRAPPER_CV;
    my $guard = Menshen::Runner::Guard->new(sub {
        undef $WRAPPER_CV;
        # A handler the compilation installed (CGI::Carp does) stays, not
        # wrapped.
        if (ref $SIG{__WARN__} && $SIG{__WARN__} == $filter) {
            if (defined $prev) { $SIG{__WARN__} = $prev } else { delete $SIG{__WARN__} }
        } elsif ($WARN_WRAP && ref $SIG{__WARN__} && $SIG{__WARN__} == $WARN_WRAP->[0]) {
            $SIG{__WARN__} = $WARN_WRAP->[1];
        }
        if (ref $SIG{__DIE__} && $SIG{__DIE__} == \&compile_die) {
            my ($h) = $CHAIN ? @$CHAIN : ($prev_die);
            if (defined $h) { $SIG{__DIE__} = $h } else { delete $SIG{__DIE__} }
        }
        @INC = grep { !ref $_ || $_ != \&hook } @INC;
        delete $INC{$HOOK_NAME};
        # Only the runner holds the sub: freeing it frees the script's pad.
        delete $Menshen::Runner::Compiled::{"script$n"};
    });
    my $sub = do $HOOK_NAME;
    my $err = $@;
    # (A handler the script set as it compiled, before its code ended.)
    my $own_die = ref $SIG{__DIE__} eq 'CODE' && $SIG{__DIE__} != \&compile_die ? $SIG{__DIE__} : undef;
    undef $guard;
    # (Before the packages the compilation made are judged, and the watched
    # globals saved: a scan of the application modules it loaded.)
    app_lib_roots() if @APP_ROOTS;
    app_scan() if @APP_ROOTS && $APP_SCAN_INC != keys %INC;
    return $sub if ref $sub eq 'CODE' && !(defined $err && length $err);
    return (undef, $err) if ref $err;
    my $same = $DIED && !ref $DIED->[1] && $DIED->[1] eq $err;
    if ($same || $DIED && $DIED->[2]) {
        # Something died: that message is all perl adds (a handler's die
        # had the errors already).
        $err = $DIED->[0] . $err if $same && length $DIED->[0] && index($err, $DIED->[0]) != 0;
    } elsif (!$TAIL_AT && !$CHAIN && $own_die && $err !~ /, at EOF\n\z/) {
        # A die before the script's code ended (a `use` of a missing
        # module, a die in a BEGIN block, a pattern that does not compile,
        # "has too many errors", "BEGIN not safe after errors") while a
        # handler of the script's own stood in the hook's place (CGI::Carp's
        # fatalsToBrowser): perl called that handler, as in a process, and
        # the message is all there is. Only a parse that ended, or gave up
        # at the end of the file (", at EOF"), says "Execution of ...
        # aborted" and calls it: the error page came out twice.
    } else {
        # The parse ended with errors: at the script's end (the tail was
        # read), or before it, where perl gives up (a `@{[` or `${` left
        # open in a string, "Missing right curly or square bracket ...
        # within string"), which perl ends with the same line.
        $err = $TAIL_AT ? parse_end_errors($err) : $err . "Execution of $SCRIPT aborted due to compilation errors.\n";
        # As perl's die at the end of its parse: through the handler the
        # script set (CGI::Carp's page), which sees $^S undef (parsing), and
        # a die in the script's file with no caller (CGI::Carp's stamp
        # names the outermost frame's file; a Compiled:: sub's callers are
        # hidden).
        my $h = $CHAIN ? $CHAIN->[0] : $own_die;
        if (ref $h eq 'CODE') {
            patch_cgi_carp() if exists $main::{'CGI::'};
            $PARSE_DIE ||= eval(($SCRIPT =~ /"/ ? '' : qq{#line 1 "$SCRIPT"\n})
                . 'sub Menshen::Runner::Compiled::parse_end { die $_[0] } \\&Menshen::Runner::Compiled::parse_end');
            local $SIG{__DIE__} = $h;
            local $PARSE_END = 1;
            eval { $PARSE_DIE->($err) };
            $err = $@;
        }
    }
    # (Else a handler the script set saw perl die.)
    return (undef, $err);
}

# parse_end_errors returns perl's messages for a parse that reached the
# end of the script with errors: those perl queued, ending with its
# "Execution of ... aborted" line. Where the script's code is unfinished
# (a `sub f {` never closed, an expression cut short), the tail compiled
# in its place and failed on its own lines, after all of the script's
# messages; perl instead found the end of the file on the script's last
# line and said so: "syntax error ... at EOF", with "Missing right curly
# or square bracket" when a { or [ was open (the tail closes one and
# leaves the wrapper's open: it says so exactly then). That one comes
# first, as the file ended while perl lexed a statement, except where
# the code ends inside an expression (the tail's first `;` is a syntax
# error of its own), where perl's parser failed first. (Not quite
# always: after `map {` the lexer is first. And a } too many, which
# closes the wrapper early, is reported where the tail's } is left over.)
sub parse_end_errors {
    my ($err) = @_;
    my ($file, $line) = @$TAIL_AT;
    while ($err =~ / at \Q$file\E line (\d+)[,.]/g) {
        next if $1 < $line || $1 > $line + 3;
        my $at = rindex($err, "\n", $-[0]) + 1;
        last if substr($err, $at, 29) eq 'Unmatched right curly bracket';
        # The script's last line: the one before the tail's, or the
        # __END__ line, where perl stops reading; not the =cut the runner
        # adds after a script that ends in pod.
        my $eof = $line - 1;
        if ($POD_CUT) { $eof -= 2 }
        elsif (defined $DATA_OFFSET && $CODE_SRC =~ /\n\z/) { $eof++ }
        my $syntax = "syntax error at $file line $eof, at EOF\n";
        if (index($err, 'Missing right curly or square bracket at ', $at) >= 0) {
            my $missing = "Missing right curly or square bracket at $file line $eof, at end of line\n";
            $syntax = substr($err, $at) =~ /\Asyntax error at \Q$file\E line \d+, near ";"\n/
                ? $syntax . $missing : $missing . $syntax;
        }
        substr($err, $at) = $syntax;
        last;
    }
    return $err . "Execution of $SCRIPT aborted due to compilation errors.\n";
}

# diag_repeat tells whether diagnostics' warn_trap, which has just met
# the warning w (its text without the final period and newline), had met
# it before in this process: its own count, a file lexical of
# diagnostics.pm (%exact_duplicate) its splainthis holds, found once
# through B. Not found (another diagnostics): a repeat never, so that
# nothing is printed twice.
sub diag_repeat {
    if (!$DIAG_DUP) {
        $DIAG_DUP = pad_var(\&diagnostics::splainthis, '%exact_duplicate');
        return 0 unless ref $DIAG_DUP eq 'HASH';
    }
    return ($DIAG_DUP->{ $_[0] } || 0) > 1;
}

# diag_known tells whether diagnostics knows the warning w (its text
# without the final period and newline): it finds it in perldiag as its
# splainthis does, the "at FILE line N" part and what follows dropped.
sub diag_known {
    local $_ = $_[0];
    s/, <.*?> (?:line|chunk).*$//;
    my @secs = split / at /;
    return 0 unless @secs;
    $_ = shift @secs;
    for my $s (@secs) {
        last if $s =~ /.+? (?:line|chunk) \d+/;
        $_ .= " at $s";
    }
    s/^\((.*)\)$/$1/;
    return defined &diagnostics::transmo && eval { diagnostics::transmo() } ? 1 : 0;
}

# compile_die is the __DIE__ hook while the script compiles: it keeps
# what $@ holds as perl dies (the errors queued so far), and the message.
# Past the script's code it stands in for the script's own handler.
sub compile_die {
    $DIED = [$@, $_[0]];
    my $h = $CHAIN && $CHAIN->[0];
    return unless ref $h eq 'CODE';
    # The script's handler, called as perl calls it in a script: with the
    # errors it printed before the message (its die is the message).
    $DIED->[2] = 1;
    my $msg = $_[0];
    $msg = $@ . $msg if !ref $msg && length $@ && index($msg, $@) != 0;
    patch_cgi_carp() if exists $main::{'CGI::'};
    $h->($msg);
    return;
}

# warnings_import stands in for warnings::import while the script compiles.
# The script's file-scope lexicals are a sub's (the wrapper's), so perl
# says "Variable "$x" will not stay shared" for every named sub that uses
# one, which a script file never hears: under `use warnings FATAL => 'all'`
# that is a compile error, and a __WARN__ handler the script installs in a
# BEGIN block (CGI::Carp's warningsToBrowser) would print it. closure_noise
# drops it wherever it goes (the compile filter, STDERR's layer, a handler
# next_part wrapped), and lets the real ones through. So `use warnings` in
# a scope of the script (the innermost BEGIN being compiled from the
# script's file, whoever calls import: Modern::Perl too) makes the
# 'closure' category non-FATAL there, FATAL being a die where perl warns,
# before any handler: %^H keeps that it was, for closure_noise to die of a
# real one. Modules, required files and string evals are left alone.
my $WARNINGS_IMPORT = \&warnings::import;
sub warnings_import {
    my $script = 0;
    for (my $i = 1; ; $i++) {
        my @c = CORE::caller($i) or last;
        next unless $c[3] =~ /::BEGIN\z/;
        $script = from_script($c[1]);
        last;
    }
    &$WARNINGS_IMPORT;
    return unless $script;
    # 'ambiguous' off (its two bits, on and fatal) in the scope being
    # compiled, for a script that writes `exit -1`: the runner's exit is a sub with
    # a (;$) prototype, about which perl says "Use of "exit" without
    # parentheses is ambiguous", as it never does of its own exit.
    my $bits = ${^WARNING_BITS};
    return unless defined $bits;
    # 'closure' stays on, not FATAL: its warnings come to the compile
    # filter (closure_noise), which drops the wrapper's and dies of a real
    # one where the scope has it FATAL (the mark in %^H says so).
    my $coff = $warnings::Offsets{closure};
    if (defined $coff) {
        my $fatal = vec($bits, $coff + 1, 1);
        vec($bits, $coff + 1, 1) = 0;
        if ($fatal || $^H{'Menshen::Runner/closure_fatal'}) {
            $^H |= 0x20000;
            $^H{'Menshen::Runner/closure_fatal'} = $fatal;
        }
        # (A FATAL one must die where perl warns: from a __WARN__ handler.
        # A script's own handler is wrapped in the filter's test
        # (next_part); where there is none, the filter goes in.)
        $SIG{__WARN__} = $COMPILE_FILTER if $fatal && $COMPILE_FILTER && !ref $SIG{__WARN__};
    }
    for my $cat ($EXIT_SIGNED ? 'ambiguous' : ()) {
        my $off = $warnings::Offsets{$cat};
        next unless defined $off && (vec($bits, $off, 1) || vec($bits, $off + 1, 1));
        vec($bits, $off, 1) = 0;
        vec($bits, $off + 1, 1) = 0;
    }
    ${^WARNING_BITS} = $bits;
    return;
}

package Menshen::Runner::Guard;
sub new     { bless [$_[1]], $_[0] }
sub DESTROY { $_[0][0]->() }

package Menshen::Runner;

# compile_error prints what perl prints for a script that does not compile
# (compile_script's message).
sub compile_error {
    my ($err) = @_;
    return if ref $err;
    printf STDERR '%s', "$err";
}

# endav returns perl's list of END blocks (PL_endav: once made, it stays).
my $ENDAV;
sub endav {
    return $ENDAV if $ENDAV;
    my $b = B::end_av();
    return $ENDAV = $b->isa('B::AV') ? $b->object_2svref : undef;
}

# take_end_blocks removes from perl's END list the blocks compiled from the
# script (or its required files) and returns them, last defined first.
sub take_end_blocks {
    my ($before) = @_;
    my $av = endav() or return;
    return if @$av == keys %$before;
    my $mod = module_file_set();
    my (@mine, @idx);
    for my $i (0 .. $#$av) {
        my $ref = \$av->[$i];       # a CODE ref: the elements are CVs, which cannot be copied
        my $cv = B::svref_2object($ref);
        next unless $cv->isa('B::CV') && !$before->{$$cv} && !$mod->{$cv->FILE};
        push @mine, $ref;
        push @idx, $i;
    }
    splice(@$av, $_, 1) for reverse @idx;
    return @mine;
}

# end_addrs returns the END blocks in perl's list (by address). Blocks are
# only ever added (by compiling) or taken out by the runner, which takes
# all new blocks but modules': an unchanged count is an unchanged list.
my $END_CACHE;
sub end_addrs {
    my $av = endav() or return {};
    return $END_CACHE->[1] if $END_CACHE && $END_CACHE->[0] == @$av;
    my %h;
    for my $i (0 .. $#$av) {
        my $b = B::svref_2object(\$av->[$i]);
        $h{$$b} = 1;
    }
    $END_CACHE = [scalar @$av, \%h];
    return \%h;
}

# run_end_blocks runs the script's END blocks with $? = status, and returns
# the status they leave.
sub run_end_blocks {
    my ($status, @cvs) = @_;
    return $status unless @cvs;
    local $? = $status;
    for my $cv (@cvs) {
        local $EXIT;
        my $ok;
        MENSHEN_REQ: {
            $ok = eval { $cv->(); 1 };
        }
        if ($EXIT) {
            $? = $EXIT->[0];
            next;
        }
        if (!$ok) {
            my $err = $@;
            my $errno = $! + 0;
            if (ref $err && ref $err eq 'Menshen::Runner::Exit') {
                $? = $err->{code};
                next;
            }
            # As perl does: the message, the abort line, an errno-based
            # status (perl 5.36 leaves EINVAL in errno here), and the
            # remaining END blocks still run.
            printf STDERR "%sEND failed--call queue aborted.\n", $err;
            $? = ($errno & 255) || 22;
        }
    }
    return $?;
}

# ---------------------------------------------------------------------------
# One request.

# temp_file returns an anonymous temp file, or nothing (logged once) when
# none can be made, e.g. on a read-only /tmp. It is made in $TMPDIR
# (--tmpdir: the gateway's private directory, which the gateway removes)
# with O_TMPFILE where the kernel and file system have it: a file that
# never has a name, so a worker killed at any moment leaves none behind.
# Else perl's own anonymous file, named for an instant (PerlIO_XXXXXX,
# then unlinked): one killed in that instant leaves it in $TMPDIR.
my $TEMP_WARNED;
sub temp_file {
    my $fh;
    my $dir = $TMPDIR // '/tmp';
    if ($O_TMPFILE) {
        return $fh if sysopen($fh, $dir, Fcntl::O_RDWR() | $O_TMPFILE, 0600);
        $O_TMPFILE = 0 if $! == POSIX::EISDIR() || $! == POSIX::EOPNOTSUPP() || $! == POSIX::EINVAL();
    }
    {
        local $ENV{TMPDIR} = $dir;
        return $fh if open($fh, '+>', undef);
    }
    logmsg("cannot create a temp file in $dir ($!): output to fd 1 is lost, large bodies stay in memory")
        unless $TEMP_WARNED++;
    return;
}

# o_tmpfile is open(2)'s O_TMPFILE on the platforms whose value is the
# generic one (Fcntl does not export it), 0 elsewhere.
sub o_tmpfile {
    return 0 unless $^O eq 'linux';
    require Config;
    my $arch = $Config::Config{archname} // '';
    return 0 unless $arch =~ /^(?:x86_64|i[3-6]86|aarch64|arm|riscv64|loongarch64|ppc|powerpc|s390x)/;
    return 020000000 | Fcntl::O_DIRECTORY();
}

# new_capture makes fd 1 a fresh, empty capture file for what bypasses
# perl's STDOUT: a memfd (one syscall), else an anonymous temp file, else
# /dev/null. Fresh for every request in which a process may have been
# forked, so that a child that outlives its request can never write into
# the next one's response.
sub new_capture {
    $CAP_READY = 1;
    undef $CAP_ID;
    if ($MEMFD) {
        my $name = 'menshen-stdout';
        my $fd = syscall($MEMFD, $name, 1);     # MFD_CLOEXEC: only fd 1 stays
        if ($fd >= 0) {
            POSIX::dup2($fd, 1) // die "dup2 stdout: $!";
            POSIX::close($fd);
            $OUT_CAPTURE = 1;
            capture_made();
            return;
        }
        logmsg("memfd_create: $!: using temp files");
        $MEMFD = 0;
    }
    my $fh = temp_file();
    POSIX::dup2($fh ? fileno($fh) : $DEVNULL_FD, 1) // die "dup2 stdout: $!";
    $OUT_CAPTURE = $fh ? 1 : 0;
    # (/dev/null too: fd1_taken compares fd 1 with it.)
    capture_made();
}

our $CAP_KEEP;     # a descriptor of the capture file of the runner's own (see Out::CLOSE)
sub capture_made {
    my ($dev, $ino) = stat($FD1);
    $CAP_ID = defined $ino ? "$dev $ino" : undef;
    if ($FSTAT_NR) {
        # (A buffer that does not start with the device and inode stat
        # gave, 64 bits each: another layout, fd1_taken's fallback.)
        my $ok = defined $ino && syscall($FSTAT_NR, 1, $FSTAT_BUF) == 0;
        $CAP_RAW = substr($FSTAT_BUF, 0, 16);
        ($FSTAT_NR, $FSTAT_SIZE) = (0, 0) unless $ok && join(' ', unpack('QQ', $CAP_RAW)) eq $CAP_ID;
    }
    $CAP_FORKS = $FORKS;
    close($CAP_KEEP) if $CAP_KEEP;
    undef $CAP_KEEP unless open($CAP_KEEP, '>&', $FD1);
}

# next_capture readies fd 1 for the next request, after the answer. The
# capture file serves again, emptied, when no process can hold it but the
# runner: no fork since it was made (the sentinel's count, $FORKS, is
# unchanged: every perl-level fork flushes all handles first) and fd 1 is
# still that file. It then is as new: empty, at offset 0, no status flags
# (O_APPEND, O_NONBLOCK: F_SETFL), not close-on-exec (F_SETFD). Else a
# new one replaces it. (The offset by POSIX::lseek on fd 1, $FD1's fd:
# sysseek would make $FD1 the last-read handle, ${^LAST_FH}, and so $.
# defined, which reset_fds would then have to undo every request.)
sub next_capture {
    if ($OUT_CAPTURE && defined $CAP_ID && $FORKS == $CAP_FORKS) {
        my ($dev, $ino, $size) = $FD1_STAT && @$FD1_STAT == 3 ? @$FD1_STAT : (stat $FD1)[0, 1, 7];
        if (defined $ino && "$dev $ino" eq $CAP_ID
            && (!$size || truncate($FD1, 0)) && POSIX::lseek(1, 0, 0) == 0
            && fcntl($FD1, Fcntl::F_SETFL(), 0) && fcntl($FD1, Fcntl::F_SETFD(), 0)) {
            $CAP_READY = 1;
            return;
        }
    }
    new_capture();
}

# probe_memfd finds the memfd_create syscall of this platform, and checks
# that it really made a memfd.
sub probe_memfd {
    return 0 unless $^O eq 'linux';
    require Config;
    my $arch = $Config::Config{archname} // '';
    my $nr = $arch =~ /^x86_64/ ? 319 : $arch =~ /^(?:aarch64|riscv64|loongarch64)/ ? 279
        : $arch =~ /^i[3-6]86/ ? 356 : $arch =~ /^arm/ ? 385 : $arch =~ /^(?:ppc|powerpc)/ ? 360
        : $arch =~ /^s390x/ ? 350 : 0;
    return 0 unless $nr;
    my $name = 'menshen-probe';
    my $fd = eval { local $SIG{SYS} = 'IGNORE'; syscall($nr, $name, 1) } // -1;
    return 0 if $fd < 0;
    my $link = readlink("/proc/self/fd/$fd") // '';
    POSIX::close($fd);
    return $link =~ m{^/memfd:menshen-probe} ? $nr : 0;
}

# sigmask_setup takes note of the signal mask the worker starts with, which
# every request gets back (restore_sigmask). After a request the mask is
# read with rt_sigprocmask itself (a NULL set: only the old mask is read)
# into a preallocated 8-byte buffer, on the platforms whose system call
# number is known here (the kernel's tables: x86_64 14, i386 175, the
# generic table of aarch64, riscv64 and loongarch64 135) and where it
# reads what POSIX::sigprocmask does; elsewhere into a preallocated
# POSIX::SigSet, zeroed first, so that the bytes the C library leaves
# alone compare equal.
sub sigmask_setup {
    my $mask = zeroed_sigset();
    return unless POSIX::sigprocmask(POSIX::SIG_BLOCK(), undef, $mask);
    $SIGMASK0 = $mask;
    require Config;
    my $arch = $^O eq 'linux' ? $Config::Config{archname} // '' : '';
    my $nr = $arch =~ /^x86_64/ ? 14 : $arch =~ /^i[3-6]86/ ? 175
        : $arch =~ /^(?:aarch64|riscv64|loongarch64)/ ? 135 : 0;
    if ($nr) {
        my ($now, $raw0) = ("\0" x 8, "\0" x 8);
        my $ok = eval { local $SIG{SYS} = 'IGNORE'; syscall($nr, 0, 0, $now, 8) == 0 && syscall($nr, 0, 0, $raw0, 8) == 0 };
        if ($ok && $raw0 eq substr($$SIGMASK0, 0, 8)) {
            ($SIGMASK_NR, $MASK_NOW, $MASK_RAW0) = ($nr, $now, $raw0);
            return;
        }
    }
    $SIGMASK_NR = 0;
    $MASK_NOW = zeroed_sigset();
    POSIX::sigprocmask(POSIX::SIG_BLOCK(), undef, $MASK_NOW) or undef $SIGMASK0;
}

# signal_names takes note of a name in %SIG for each signal number
# (restore_sigmask).
sub signal_names {
    require Config;
    my @num = split ' ', $Config::Config{sig_num} // '';
    my @name = split ' ', $Config::Config{sig_name} // '';
    for my $i (0 .. $#num) {
        $SIG_NUM_NAME[$num[$i]] //= $name[$i] if $num[$i] && exists $SIG{$name[$i]};
    }
}

# zeroed_sigset makes an empty POSIX::SigSet all of whose bytes are 0
# (sigemptyset clears only the part the C library uses).
sub zeroed_sigset {
    my $set = POSIX::SigSet->new;
    vec($$set, $_, 8) = 0 for 0 .. length($$set) - 1;
    return $set;
}

# layer_sig describes a handle's PerlIO state: its layers with their
# arguments and flags (EOF, error, utf8, buffer in use...). A handle whose
# signature is the one it had when new is, as far as a script can tell,
# new (formats and tie are checked apart).
#
# For STDOUT and STDERR (output true) it is the output side's: reopening
# a standard handle (open STDOUT, '>', ...) keeps its old layers as the
# input side and, for a character device, writes through a new output
# side, which the input side's layers would not show (reopen_stdout.pl).
sub layer_sig {
    no warnings 'uninitialized';
    return join ',', PerlIO::get_layers($_[0], details => 1, $_[1] ? (output => 1) : ());
}

# out_keepable tells whether the request's output handle (STDOUT or STDERR,
# g a reference to its glob, named name) can serve the next request as if
# new. (A glob reference, not the glob: copying a glob into a variable
# costs more than the rest; layer_sig is inlined for the same reason.)
sub out_keepable {
    my ($g, $cur, $sig, $name) = @_;
    my $io = *{$g}{IO};
    no warnings 'uninitialized';
    return 0 unless $io && $cur && $io == $cur && !tied(*{$g})
        && join(',', PerlIO::get_layers($g, details => 1, output => 1)) eq $sig;
    # The format variables are the selected handle's. The previous selection
    # is not put back: after the script, reset_fds selects STDOUT anyway.
    select(*{$g});
    return $- == 0 && $% == 0 && $= == 60 && $~ eq $name && $^ eq "${name}_TOP";
}

sub setup_fds {
    my ($req) = @_;
    @FRESH = ();
    ($OUT_WROTE, $ERR_WROTE, $REQ_FORKS, $FD1_STAT) = (0, 0, $FORKS, undef);
    new_capture() unless $CAP_READY;
    $CAP_READY = 0;
    $OUT_OFF = 0;
    # fd 0: the body.
    my $len = $req->{spool} ? -s $req->{spool} : length $req->{body};
    my $in;
    if ($len == 0) {
        # fd 0 is /dev/null between requests
    } elsif (!$req->{spool} && $len <= BODY_IN_PIPE) {
        pipe(my $r, my $w) or die "pipe: $!";
        syswrite($w, $req->{body}) == $len or die "write body: $!";
        close $w;
        POSIX::dup2(fileno($r), 0) // die "dup2 stdin: $!";
        close $r;
    } else {
        my $fh = $req->{spool} || ($req->{in_memory} ? undef : temp_file());
        if ($fh && !$req->{spool} && (syswrite($fh, $req->{body}) // -1) != $len) {
            # A full disk: STDIN in memory, as with no temp file at all.
            body_in_memory(write_failure());
            close $fh;
            undef $fh;
        }
        if ($fh) {
            sysseek($fh, 0, 0);
            POSIX::dup2(fileno($fh), 0) // die "dup2 stdin: $!";
            close $fh;
        } else {
            # No temp file: an in-memory STDIN (no fd 0 for children).
            my $body = $req->{body};
            open($in, '<', \$body) or die "open stdin: $!";
        }
    }
    delete $req->{body};
    delete $req->{spool};
    # STDIN: $IDLE_IN, the handle on fd 0 that is perl's stdin (see
    # reset_fds), as new.
    if ($in) {
        $STDIN_FH = $in;
        *main::STDIN = *$in{IO};
    }
    if ($IN_FRESH) {
        push @FRESH, 'STDIN';
        $IN_FRESH = 0;
    }
    # STDOUT and STDERR: via layers to the connection (see DESIGN), kept
    # from the last request while they are as new.
    $OUT_SERIAL++;
    if ($KEEP_OUT) {
        *main::STDOUT = $KEEP_OUT;
        undef $KEEP_OUT;
        $$OUT_OBJ = $OUT_SERIAL;
    } else {
        my $out = layered_handle('Menshen::Runner::Out');
        *main::STDOUT = *$out{IO};
        $SIG_OUT = $PLAIN_OUT = layer_sig(*main::STDOUT, 1);
        push @FRESH, 'STDOUT';
        ($OUT_OBJ) = grep { ref $_ eq 'Menshen::Runner::Out' } @OUT_PUSHED;
    }
    $OUT_LIVE = 1;
    if (!$CUR_OUT || $CUR_OUT != *main::STDOUT{IO}) {
        $CUR_OUT = *main::STDOUT{IO};
        Scalar::Util::weaken($CUR_OUT);
    }
    if ($KEEP_ERR) {
        *main::STDERR = $KEEP_ERR;
        undef $KEEP_ERR;
    } else {
        my $err = layered_handle('Menshen::Runner::Err');
        *main::STDERR = *$err{IO};
        $SIG_ERR = $PLAIN_ERR = layer_sig(*main::STDERR, 1);
        push @FRESH, 'STDERR';
    }
    if (!$CUR_ERR || $CUR_ERR != *main::STDERR{IO}) {
        $CUR_ERR = *main::STDERR{IO};
        Scalar::Util::weaken($CUR_ERR);
    }
    select(*main::STDERR);
    $| = 1;
    select(*main::STDOUT);
    $| = 0;
    # (A new or rewound STDERR's :perlio layer asked for its descriptor.)
    $FD2_ASKED = 0;
}

# exit_flush flushes the handle it is given from a line 0, where perl names
# no file and line in a warning: a layer's warning at the flush of a
# process's exit ("\x{2603}" does not map to iso-8859-1.) names none.
my $EXIT_FLUSH = eval "#line 0\nsub { eval { \$_[0]->flush } }" or die $@;

# finish_stdout flushes STDOUT (keeping it for the next request when it is
# as new, else closing it) and ends the FCGI_STDOUT stream. $w is $^W as
# the script left it.
sub finish_stdout {
    my ($w) = @_;
    my $io = *main::STDOUT{IO};
    # Flushed before the check: unflushed output (PERLIO_F_WRBUF) is no
    # state of the handle, only of this request. Flushing then closing is
    # what close alone does. A STDOUT the script left tied (to capture a
    # widget's output, and the widget died) is flushed too, as a process's
    # exit flushes every handle after its END blocks, under the tie: what
    # was printed before the tie is the page's. (A tied IO's flush asks
    # the tie for a FETCH: the tie goes first, without the UNTIE a
    # process's exit does not call, and its object, held here, is
    # destroyed after the flush, as at an exit.)
    # The flush is perl's at the script's exit, not the runner's code: a
    # layer's warning there (an :encoding layer's "does not map") is the
    # script's to ask for with -w, or `$^W = 1` as it ran (`$^W = 0` turns
    # it off), not this file's `use warnings`.
    flush_stdout($w);
    # A kept STDOUT is rewound by reset_fds, after the answer.
    if (!$OUT_DONE && out_keepable(\*main::STDOUT, $CUR_OUT, $SIG_OUT, 'STDOUT')) {
        $KEEP_OUT = $io;
    } else {
        eval { close($io) } if $io;     # flushes, then ends FCGI_STDOUT
    }
    stdout_end(1);
}

# flush_stdout flushes the request's STDOUT, untied first (see
# finish_stdout). $w is $^W as the script left it.
sub flush_stdout {
    my ($w) = @_;
    my $io = *main::STDOUT{IO};
    return unless !$OUT_DONE && $io && $CUR_OUT && $io == $CUR_OUT;
    my $tie = tied(*main::STDOUT);
    untie_var(\*main::STDOUT, 'GLOB') if defined $tie;
    if ($w) { $EXIT_FLUSH->($io) } else { no warnings; eval { $io->flush } }
}

# pop_perl_layers pops, from the request's output handle (g, a glob
# reference; cur, the handle's IO as it was given), the layers the script
# pushed above the runner's (:via(Menshen::Runner::...) and its :perlio)
# down to the lowest one that calls into Perl (a :via layer, an
# :encoding, whose Encode class may be the script's), each flushed as it
# goes: what a process's exit does (PerlIO_destruct) before its objects'
# DESTROY, whose output then goes to the layers below. Such a layer left
# for perlrun's wipe called a sub that was gone when the handle was
# closed, and the worker died.
sub pop_perl_layers {
    my ($g, $cur) = @_;
    my $io = *{$g}{IO};
    return unless $io && $cur && $io == $cur;
    no warnings 'uninitialized';
    my @l = PerlIO::get_layers($g, details => 1, output => 1);
    my ($base, $low);
    for (my $i = 0; $i < @l; $i += 3) {
        if ($l[$i] eq 'via' && $l[$i + 1] =~ /^Menshen::Runner::/) {
            $base = $i / 3 + 2;
        } elsif (defined $base && $i / 3 >= $base && ($l[$i] eq 'via' || $l[$i] eq 'encoding')) {
            $low //= $i / 3;
        }
    }
    return unless defined $low;
    for (my $n = @l / 3; $n > $low; $n--) {
        eval { binmode($g, ':pop') } or last;
    }
}

# rewind gives a kept output handle (an IO, flushed, its layers as new)
# the position of a new one: tell(STDOUT) counts the bytes written through
# it (CGI::Carp's fatalsToBrowser prints a header only while it is 0). A
# fresh :perlio layer on the via layer is exactly what a new handle has:
# the via layer has no TELL (the position starts at 0), and the layer's
# flags come from the via layer below (checked unchanged) and from isatty()
# of fds 1 and 2, which reset_fds has made the capture file and the log
# again first, as they were when the handle was made. Unlike seek it
# leaves $. alone. Only a handle whose :perlio layer wrote to the via layer
# (wrote) has moved. A handle that got more than that when new (the
# registry's `use open` layers, apply_layers: plain false) is not rewound
# but made new. False if it cannot be rewound.
sub rewind {
    my ($io, $wrote, $plain) = @_;
    return !$wrote || ($plain && binmode($io, ':pop:perlio'));
}

# reset_fds puts fds 0, 1 and 2 and the standard handles back as they are
# between requests, after the answer.
#
# STDIN is always $IDLE_IN, the handle in PerlIO's first slot: the one
# perl's C code knows as its stdin (PerlIO_stdin), which `<>` and
# open(FH, '-') read when @ARGV is empty. It reads whatever fd 0 is, so it
# serves request after request while it is as new (layers and flags: no
# EOF, nothing buffered, not tied); else it is closed, which frees that
# slot, and opened again at once, which takes it again (perl allocates the
# lowest free slot). A script that closed STDIN and kept another handle
# open in that slot (a module's cache) leaves `<>` reading that handle.
sub reset_fds {
    restore_std_globs();
    if (@SYS_OUT) {
        close $_->[0] for @SYS_OUT;
        @SYS_OUT = ();
    }
    my $in = *main::STDIN{IO};
    close($in) if $in && $in != *$IDLE_IN{IO};      # the in-memory body, or the script's
    # (layer_sig inline: this runs after every request.)
    if (tied(*$IDLE_IN) || do { no warnings 'uninitialized'; join(',', PerlIO::get_layers($IDLE_IN, details => 1)) ne $SIG_IN }) {
        untie_var($IDLE_IN, 'GLOB');      # (no UNTIE, as at an exit)
        close($IDLE_IN);
        POSIX::dup2($DEVNULL_FD, 0);
        open($IDLE_IN, '<&=', 0) or die "menshen-runner: open fd 0: $!\n";
        $SIG_IN = layer_sig($IDLE_IN);
        $IN_FRESH = 1;
    } else {
        POSIX::dup2($DEVNULL_FD, 0);
    }
    *main::STDIN = *$IDLE_IN{IO};
    undef $STDIN_FH;
    my $err = *main::STDERR{IO};
    if (out_keepable(\*main::STDERR, $CUR_ERR, $SIG_ERR, 'STDERR')) {
        $KEEP_ERR = $err;
    } else {
        close($err) if $err;
    }
    POSIX::dup2($LOG_FD, 2);
    # fd 2 is one open file (the gateway's pipe) for the worker's life:
    # its status flags are every later request's, and its programs'. An
    # O_NONBLOCK the request set (STDERR->blocking(0), what an event loop
    # does to the handles it watches, or a program it ran) would make a
    # later request's program lose stderr lines to EAGAIN, where each CGI
    # process has a pipe of its own. Asked every request (one fcntl): a
    # module or a program can set it, and what a script loads says
    # nothing (IO::Handle and Fcntl are the runner's own).
    my $fl = fcntl($LOG, Fcntl::F_GETFL(), 0);
    fcntl($LOG, Fcntl::F_SETFL(), $LOG_FL) if defined $fl && $fl != $LOG_FL;
    *main::STDERR = *$IDLE_ERR{IO};
    *main::STDOUT = *$IDLE_OUT{IO};
    select(*main::STDOUT);
    # fd 1: the capture file of the next request (emptied, or new).
    next_capture();
    # Kept output handles start again at position 0 (fds 1 and 2 first).
    # (rewind's own test inline: a handle that did not write needs no call.)
    if ($KEEP_OUT && $OUT_WROTE && !rewind($KEEP_OUT, $OUT_WROTE, $SIG_OUT eq $PLAIN_OUT)) {
        eval { close($KEEP_OUT) };
        undef $KEEP_OUT;
    }
    if ($KEEP_ERR && $ERR_WROTE && !rewind($KEEP_ERR, $ERR_WROTE, $SIG_ERR eq $PLAIN_ERR)) {
        eval { close($KEEP_ERR) };
        undef $KEEP_ERR;
    }
    reset_argv() if defined $main::ARGV || defined fileno(*main::ARGV);
    close(*main::ARGVOUT) if defined fileno(*main::ARGVOUT);
    # $. as in a new process: undef, no last-read handle (PL_last_in_gv,
    # cleared when the handle it names is freed). Once it is undef, it
    # stays so until a handle is read again. Nothing to do when it already
    # is: no last-read handle (${^LAST_FH} undef) and $. undef.
    if (defined $. || defined ${^LAST_FH}) {
        { open(my $fh, '<', \'') or last; my $at = tell($fh); }
        $. = undef;
    }
}

# restore_std_globs undoes a glob assignment to a standard handle
# (`*STDERR = *STDOUT;`): that makes the glob share another's body, so
# everything done to STDERR here would be done to STDOUT (closing the
# handle kept for the next request). Each gets a body of its own again,
# empty; reset_fds then gives it its handle. (The scalar of a glob's body
# tells which body it has: \$main::STDERR.)
# (@STD_SV holds each glob's scalar, by position: a reference, so that its
# address cannot be reused. The common case, no body changed, is one test.)
my @STD_GLOBS = (\*main::STDIN, \*main::STDOUT, \*main::STDERR);
my @STD_SV = (0, 0, 0);
sub restore_std_globs {
    return if *main::STDIN{SCALAR} == $STD_SV[0] && *main::STDOUT{SCALAR} == $STD_SV[1]
        && *main::STDERR{SCALAR} == $STD_SV[2];
    for my $i (0 .. $#STD_GLOBS) {
        my $g = $STD_GLOBS[$i];
        next if *{$g}{SCALAR} == $STD_SV[$i];
        undef *$g if $STD_SV[$i];
        $STD_SV[$i] = *{$g}{SCALAR};
    }
}

# reset_argv makes ARGV, the handle of `<>`, what it is in a new process:
# closed (when it read "-" this only lets go of STDIN), $ARGV undef, and
# marked to start over (IOf_START: the next `<>` opens "-" when @ARGV is
# empty). A `<>` that reached the end left that mark; one that stopped
# early did not, and a readline of the closed ARGV with an empty @ARGV
# sets it without reading anything (perl's nextargv).
sub reset_argv {
    close(*main::ARGV) if defined fileno(*main::ARGV);
    undef $main::ARGV;
    my $io = *main::ARGV{IO} or return;
    return if B::svref_2object($io)->IoFLAGS & 2;      # IOf_START
    local @main::ARGV;
    no warnings;
    my $none = readline(*main::ARGV);
}

# open_data opens PKG::DATA on the script file at its data section. The
# descriptor is put there before the handle is made on it (the handle's
# position starts from it, tell works): seek (and sysseek) would make DATA
# the last-read handle, and $. 0 where a new process has it undef. $! is
# left as it was: the new handle's probe of its descriptor (isatty) leaves
# ENOTTY there, where a new process opens no handle for DATA and starts
# the script with $! at 0.
sub open_data {
    return unless defined $DATA_OFFSET;
    no strict 'refs';
    local $!;
    my $gname = "${DATA_PKG}::DATA";
    close(*{$gname}) if defined fileno(*{$gname});
    my $fd = POSIX::open($SCRIPT, POSIX::O_RDONLY());
    if (!(defined $fd && POSIX::lseek($fd, $DATA_OFFSET, 0) == $DATA_OFFSET && open(*{$gname}, '<&=', $fd))) {
        POSIX::close($fd) if defined $fd;
        # (A script that can no longer be read: its source as compiled.)
        open(*{$gname}, '<', \$SRC) or return;
        seek(*{$gname}, $DATA_OFFSET, 0);
    }
    binmode(*{$gname}, ':utf8') if $DATA_UTF8;
    # Under -T what a script reads from its own DATA is not tainted: perl
    # trusts the program file (its handle has IOf_UNTAINT), as it trusts
    # the code above it.
    IO::Handle::untaint(*{$gname}) if $TAINT_MODE;
}

sub close_data {
    return unless defined $DATA_OFFSET;
    no strict 'refs';
    my $gname = "${DATA_PKG}::DATA";
    close(*{$gname}) if defined fileno(*{$gname});
}

# sig_state is %SIG in one string (handlers stringified), in a fixed order.
sub sig_state {
    no warnings 'uninitialized';
    return join "\0", scalar(keys %SIG), @SIG{@SIG_NAMES};
}

sub restore_sig {
    my ($base) = @_;
    # Nothing to do while %SIG is as restored last time (one C-level join;
    # a CODE handler's address cannot be reused while the base holds it).
    return if defined $SIG_STATE && sig_state() eq $SIG_STATE;
    # The base's keys, no more and no fewer: a new process has one for
    # every signal (undef: the default disposition), and `keys %SIG` shows
    # them. So a handler goes back to the default by an assignment of
    # undef, which keeps the key, and a key the script deleted comes back;
    # only a key the base lacks (a __WARN__ hook) is deleted.
    for my $k (keys %SIG, grep { !exists $SIG{$_} } keys %$base) {
        if (!exists $base->{$k}) {
            delete $SIG{$k};
            next;
        }
        my $want = $base->{$k};
        my $have = $SIG{$k};
        next if exists $SIG{$k} && (defined $have ? "$have" : '') eq (defined $want ? "$want" : '');
        $SIG{$k} = $want;
    }
    $SIG{TERM} = $TERM_HANDLER;
    $SIG_STATE = sig_state();
}

# new_seed returns a seed for srand from the kernel's random bytes, read
# 4 KiB at a time (srand() itself opens /dev/urandom every time).
my ($URANDOM, $SEEDS) = (undef, '');
sub new_seed {
    if (length($SEEDS) < 4) {
        if (!$URANDOM && !open($URANDOM, '<:raw', '/dev/urandom')) {
            undef $URANDOM;
            return srand();
        }
        sysread($URANDOM, $SEEDS, 4096) == 4096 or return srand();
    }
    return unpack('L', substr($SEEDS, 0, 4, ''));
}

sub die_status {
    my ($errno) = @_;
    return $errno & 255 if $errno & 255;
    my $st = ($? >> 8) & 255;
    return $st if $st;
    return 255;
}

sub run_request {
    my ($req) = @_;
    $ABORTED = 0;
    $JUST_SENT = 0;
    $OUT_DONE = 0;
    $OUT_SENT = 0;
    $ERR_SENT = 0;
    $EXIT = undef;
    $SKIP_END = 0;
    $OBJ_HELD = undef;
    file_temp_hook() if exists $INC{'File/Temp.pm'};    # (a BEGIN block's temp files too)

    setup_fds($req);
    # %ENV is empty and the seed new: see prepare_next. The cwd is the
    # script's directory as its path names it now, as for a new process:
    # a release moved into place since the last request (hard links, the
    # script the same file) is where this one runs, not the directory
    # that was there when the last one ended.
    chdir($SCRIPT_DIR) or logmsg("chdir $SCRIPT_DIR: $!");
    if (!$req->{block} || !env_block($req->{params})) { parse_pairs($req->{params}, \%ENV) }
    @ARGV = () if @ARGV;
    # (Assigned when it differs, or keeps a pos() from a stray //g or the
    # utf8 flag of a utf8::upgrade: both would be seen by the script. An
    # assignment costs a system call: perl sets the process's name.)
    $0 = $SCRIPT . $TAINTED if $0 ne $SCRIPT || defined pos($0) || utf8::is_utf8($0)
        || ($TAINT_MODE && !Scalar::Util::tainted($0));
    # ${^TAINT} is clean in a new process. Read in a statement that read
    # tainted data (`if ($ENV{X} && ${^TAINT})`), it keeps taint magic for
    # good, and every later statement that reads it is tainted: clear it.
    # (It is read-only, and its set magic sets $^T, set just below.)
    if ($TAINT_MODE && Scalar::Util::tainted(${^TAINT})) {
        Internals::SvREADONLY(${^TAINT}, 0);
        ${^TAINT} = $TAINT_MODE;
        Internals::SvREADONLY(${^TAINT}, 1);
    }
    $^T = time;
    my $perlrun = $MODE eq 'perlrun';
    # (Only its keys count. A registry compilation may become this
    # request's perlrun one: see registry_compile.)
    my %inc_before = $perlrun || !$REG_SUB ? %INC : ();
    my $inc0 = $perlrun || !$REG_SUB ? \%inc_before : \%CG_INC;
    my (%inc_compiled, $cg_compiled);
    my @inc_before = $perlrun || @REG_INC ? () : @INC;

    my $status = 0;
    my @ends;
    my ($watched, $sig_base, $wrapper, $pad, $exit_w, @compile_pkgs);
    {
        local $_;
        local ($/, $\, $,, $", $;) = ("\n", undef, undef, ' ', "\034");
        local $^W = $INITIAL_W;
        # No stat done yet: `stat _` and `-e _` find nothing, as in a new
        # process (a stat of a handle never opened costs no system call).
        { no warnings; stat(*Menshen::Runner::NO_STAT); }
        local $@ = '';
        $? = 0;      # not local: CORE::exit's status must reach the END block below
        $! = 0;
        my ($sub, $ok, $err, $errno);
        # (Fast paths of end_addrs and take_end_blocks inline: blocks are
        # only ever added, so an unchanged count is an unchanged list.)
        my $endav = $ENDAV || endav();
        my $end_n = $endav ? @$endav : 0;
        my $endb = $END_CACHE && $endav && $END_CACHE->[0] == $end_n ? $END_CACHE->[1] : end_addrs();
        # perlrun compiles for every request, from what a new process
        # would have, not from what the last compilation left: a handler
        # or a setting one request's BEGIN made (alice's __WARN__ hook,
        # fatalsToBrowser for a developer's cookie) must not stay for the
        # requests whose BEGIN does not make it. See compile_sigs; the
        # watched module globals are as first seen (before the first
        # compilation, or right after the one that loaded their module).
        if ($perlrun) {
            compile_sigs() if sig_state() ne $SIG0_STATE;
            restore_watched(\@WATCH_FIRST);
        }
        # SIGTERM as in a fresh process (see SIGTERM in the header): the
        # default disposition, read back as undef with its key still in
        # %SIG (an assignment of undef: a delete would take the key), or
        # what the script's compilation set (registry: at its one
        # compilation). Six syscalls a request, for scripts that name
        # signals ($TERM_SCRIPT).
        if ($TERM_SCRIPT) {
            $SIG{TERM} = defined $SCRIPT_TERM && $REG_SUB ? $SCRIPT_TERM : undef;
        }
        $IN_SCRIPT = 1;
        MENSHEN_REQ: {
            # (Before registry_compile sets $REG_SUB: the request that
            # compiles the registry's sub compiled too, and its %SIG is
            # the base, with the handlers `use CGI::Carp` installed.)
            my $compiled = !$REG_SUB;
            if (!$perlrun && !$REG_SUB) {
                my ($ends, $pkgs);
                ($sub, $err, $ends, $pkgs) = registry_compile();
                if ($ends) {
                    # auto gave up on registry: its compilation serves
                    # this request as perlrun's.
                    $perlrun = 1;
                    push @ends, @$ends;
                    @compile_pkgs = @$pkgs;
                    $wrapper = $sub;
                    $pad = pad_refs($sub);
                }
            }
            if ($perlrun && !$wrapper) {
                if (exists $main::{'CGI::'} and my $init = loaded_sub('CGI', 'initialize_globals')) { $init->() }
                cgi_simple_standard_reset() if exists $INC{'CGI/Simple/Standard.pm'};
                ($sub, $err) = compile_script();
                @compile_pkgs = new_stashes();
                %COMPILE_PKG = map { $_ => 1 } @compile_pkgs;
                $wrapper = $sub;
                $pad = pad_refs($sub) if $sub;
            } elsif ($REG_SUB) {
                $sub = $REG_SUB;
                push @ends, @REG_END;
                if (exists $main::{'CGI::'} and my $init = loaded_sub('CGI', 'initialize_globals')) {
                    $init->();
                    restore_cgi_pragmas($REG_CGI) if $REG_CGI;
                }
                apply_layers(@FRESH) if @FRESH;
            }
            if (!$sub) {
                $errno = $! + 0;
                $err = $@ unless defined $err;
                if ($EXIT) {
                    # exit in a BEGIN block: perl appended "BEGIN failed".
                } elsif (ref $err && ref $err eq 'Menshen::Runner::Exit') {
                    $status = $err->{code} & 255;
                } else {
                    compile_error($err);
                    $status = die_status($errno);
                }
                last MENSHEN_REQ;
            }
            patch_cgi_carp() if exists $main::{'CGI::'};    # one hash lookup while CGI is not loaded
            # In registry the watched globals are as restored after the
            # last request: the snapshot is taken again only when modules
            # were loaded since (new globals may exist).
            if ($perlrun || !$REG_WATCHED || $REG_WATCHED_INC != keys %INC) {
                watch_imports() if %IMPORT_NAMES && $IMPORTS_INC != keys %INC;
                $watched = snapshot_watched();
                note_first($watched);
                module_settings_live(0) if scalar(keys %INC) != $MODSET_INC;
                ($REG_WATCHED, $REG_WATCHED_INC) = $perlrun ? () : ($watched, scalar keys %INC);
                %REG_WATCHED_LIBS = map { $_ => 1 } grep { !is_module_key($_) } keys %INC unless $perlrun;
            } else {
                $watched = $REG_WATCHED;
            }
            # %SIG as the compilation left it becomes the base; a base
            # like the last one (the same sig_state: perlrun, whose every
            # request compiles) is not taken again, and %SIG, restored to
            # it last time, needs no full restore.
            if ($compiled) {
                # CORE::GLOBAL:: as the compilation left it: perlrun's
                # when it made names there (for cg_restore), the
                # registry's table.
                if ($perlrun) {
                    $cg_compiled = cg_marks() if keys(%CORE::GLOBAL::) != $CG_KEYS;
                } elsif ($REG_SUB) {
                    cg_registry_base(\%inc_before);
                }
                main0_scan() if @MAIN0_NAMED;
                $SCRIPT_TERM = $SIG{TERM};
                my $st = sig_state();
                if (!defined $SIG_COMPILED || $st ne $SIG_COMPILED) {
                    $sig_base = { %SIG };
                    $SIG_COMPILED = $st;
                }
            }
            # (After the compilation, as perl opens it at the end of its
            # own: a BEGIN block reads nothing there.)
            open_data() if defined $DATA_OFFSET;
            $FELL_OFF = 0;
            # The script's top level is a sub's here: its @_ is @ARGV, so
            # that a bare shift or pop takes from @ARGV as in a file's
            # main program (&$sub passes this @_ on).
            # What the compilation (its modules' loading) put in %INC
            # stays (drop_libs). File::Temp, if the compilation loaded
            # it, is watched from now on (end_file_temp).
            %inc_compiled = map { $_ => 1 } keys %INC if $perlrun && keys(%INC) != keys(%inc_before);
            file_temp_hook() if exists $INC{'File/Temp.pm'};
            # (Taken again only when the number of entries changed.)
            note_inc() if scalar(keys %INC) != $INC_N;
            # (returned_early's own test first: a call less when the
            # script ran to its end.)
            $ok = eval { local *_ = \@ARGV; &$sub; $FELL_OFF || returned_early(); 1 };
            undef $EXIT_THROW;
            if ($EXIT_ARMED) {
                # One still pending (the script blocked it meanwhile) is
                # dropped: ignoring a signal discards it.
                $SIG{$EXIT_SIG} = 'IGNORE';
                $EXIT_ARMED = 0;
            }
            $errno = $! + 0;
            $err = $@;
            if (!$ok) {
                if (ref $err && ref $err eq 'Menshen::Runner::Exit') {
                    $status = $err->{code} & 255;
                } elsif ($EXIT) {
                    # exit in a BEGIN block of a file the script required
                    # outside any eval: perl's "BEGIN failed" text, which
                    # the require passed on, reached here before the
                    # exit's own die (exit_override). The exit stands.
                } else {
                    # (printf, here and for the runner's other messages
                    # in perl's name: print would add the script's $\
                    # and $, to them, which perl's own never have.)
                    printf STDERR '%s', defined $err ? "$err" : "Died";
                    $status = die_status($errno);
                }
            }
        }
        undef $sub;
        $status = $EXIT->[0] & 255 if $EXIT;
        # Only a fork (perl flushes all handles first: $FORKS) makes a
        # child; the check after the END blocks is unconditional.
        child_exit($status) if $FORKS != $REQ_FORKS && $$ != $PID;
        # END blocks compiled from the script (perlrun: at this compilation;
        # both: at run time, e.g. by a required file) leave perl's list.
        unshift @ends, take_end_blocks($endb) if !$endav || @$endav != $end_n;
        $status = run_end_blocks($status, @ends) & 255 if @ends && !$SKIP_END;
        @ends = ();
        child_exit($status) if $$ != $PID;
        restore_inc() if scalar(keys %INC) < $INC_N;
        announce_libs() if scalar(keys %INC) != $LIB_N;
        # A lib the script added to @INC as it ran (`unshift @INC,
        # "$Bin/../lib"; require App::Auth;`, not at its compilation)
        # holds application modules too: seen before @INC is put back, so
        # that the module it loaded from there is the script's (wiped,
        # checked) from this request on. (A count compare; the join and
        # compare of app_lib_roots when the count moved.)
        app_lib_roots() if @APP_ROOTS && @INC != ($APP_INC_N // -1);
        # What is destroyed from here on (the script's globals, its
        # file-scope lexicals), as in a process's global destruction after
        # its END blocks, sees the exit status in $? (a guard object that
        # commits only on success; corpus destroy_status.pl).
        local $? = $status;
        # File::Temp's END block, as the process's exit would run it.
        if (exists $INC{'File/Temp.pm'}) {
            if ($MODE ne 'registry') { end_file_temp() } else { registry_temp_note() }
        }
        # The timers the request armed die with a CGI process. Here one
        # would fire later, in this request once its handler is gone or
        # in a later one, and its signal's default action kill the
        # worker: SIGALRM (alarm, ualarm), SIGVTALRM and SIGPROF (a
        # CPU-time guard: Time::HiRes's setitimer, the only way to arm
        # those two; other scripts pay one hash lookup, those that load
        # it two system calls). So they are disarmed before the script's
        # handlers go.
        alarm(0);
        disarm_itimers() if exists $INC{'Time/HiRes.pm'};
        # A script that names signals may have left a handler holding its
        # objects (a closure over a lexical): %SIG is restored now, while
        # their DESTROY still reaches the client and their class exists.
        # (Other scripts' %SIG is restored after the answer, off its path.)
        if ($TERM_SCRIPT) {
            restore_sigs($sig_base);
            undef $sig_base;
        }
        # A standard handle the script left tied (a capture of the page it
        # never unties, a fake STDIN) is untied now, in every level, as at
        # an exit (no UNTIE), and its tie object's DESTROY runs while the
        # script's class is there and its output reaches this answer, as
        # in a process's global destruction: perlrun's wipe below deletes
        # the class, and after the answer (reset_fds, the close of a tied
        # STDERR) the untie called UNTIE and what DESTROY printed was lost
        # or went to the next request. (One test of the three first: the
        # loop's references cost five times as much.)
        if (tied *main::STDOUT || tied *main::STDERR || tied *main::STDIN) {
            for my $g (\*main::STDOUT, \*main::STDERR, \*main::STDIN) {
                untie_var($g, 'GLOB') if tied *$g;
            }
        }
        if ($perlrun) {
            # A layer the script pushed on STDOUT or STDERR may hold what
            # it was given until the flush, and call its class then
            # (binmode STDOUT, ':via(My::Filter)'; an :encoding of an
            # Encode class written in Perl): flushed now, while the class
            # is there, as a process's exit pops such layers
            # (PerlIO_destruct) before its objects' DESTROY. After the
            # wipe the output was lost, or the worker died in the layer.
            flush_stdout($^W);
            eval { *main::STDERR{IO}->flush } if *main::STDERR{IO};
            pop_perl_layers(\*main::STDOUT, $CUR_OUT);
            pop_perl_layers(\*main::STDERR, $CUR_ERR);
            my @owned = owned_packages(@compile_pkgs, new_stashes());
            my $names = script_symbols();
            # A module's tied hash the script imported (%Config): the wipe
            # takes the name, not the hash, whose `each` iterator a
            # request left half way would go on in the next (keys in void
            # context resets it, without a call to the tie).
            for my $n (@$names) {
                my $g = $main::{$n};
                my $h = ref \$g eq 'GLOB' && *$g{HASH} or next;
                keys %$h if tied %$h;
            }
            # The script's symbols: [symbol table, package, [names]]...
            my @spaces = ([\%main::, 'main', $names],
                map { pkg_space($_) } @owned);
            destruct_objects(\@spaces);
            my @cvs = map { script_cvs(@$_) } @spaces;
            clear_script_vars(\@spaces);
            if ($pad) {
                defined && clear_var($_) for @$pad;
                undef $pad;
            }
            my @held = held_cvs(\@cvs);
            close_named_handles() if @FH_GLOBS;
            # The main code's constants go with it (`use constant LOG =>
            # Logger->new`: its value is in the compiled code too), before
            # the symbols: the object is destroyed as wipe_main drops the
            # constant's name, while its class still has its DESTROY, as in
            # a process's global destruction. (Not while a sub is held: it
            # may be a closure over the main code's variables.)
            undef &$wrapper if $wrapper && !@held;
            wipe_main($names);
            wipe_packages(@owned);
            undef_script_subs() if @SUB_PKGS;
            drop_libs(\%inc_before, \%inc_compiled);
            release_held() if @HELD;
            keep_or_free($wrapper, \@cvs, \@held);
            undef $wrapper;
        } else {
            my @light_held = scan_script_globs();
            close_named_handles() if @FH_GLOBS;
            reg_pkgs_recheck() if %REG_PKGS && scalar(keys %INC) != $REG_PKGS_INC;
            # auto: objects the request left in the script's variables are
            # destroyed now, as in perlrun (and a CGI process), and make
            # it perlrun from the next request on. (Only its heavy symbols
            # and the light ones holding data can hold one.)
            if ($MODE eq 'auto' && (%REG_HEAVY || %REG_PKGS || @light_held)) {
                my $held = destruct_objects(registry_spaces([keys %REG_HEAVY, @light_held]));
                $OBJ_HELD = "package variable $held changed" if $held;
            } elsif ($MODE eq 'registry' && $STDOUT_DUPS) {
                # Registry keeps the objects (mod_perl), not a dup of
                # STDOUT in a variable: its text belongs to this answer.
                destruct_objects(registry_spaces(), 1);
            }
        }
        # CGI.pm's globals hold the request's query and its uploads' temp
        # files (%QUERY_TMPFILES, $Q): a CGI process's exit removes those
        # files at once, and CGI.pm's own mod_perl cleanup resets the
        # globals at the end of a request. So here, in every level (the
        # next request resets them again before it starts, and the
        # registry puts its `use CGI` pragmas back then).
        if (exists $main::{'CGI::'} and my $init = loaded_sub('CGI', 'initialize_globals')) {
            eval { $init->(); 1 };
        }
        end_dbi() if exists $INC{'DBI.pm'};
        # (Before the answer ends, as a CGI process's exit releases them
        # before the client has its answer.)
        release_flocks() if $MAY_FLOCK || scalar(keys %INC) > $FLOCK_INC && flock_named();
        # The runner's handler is back before the answer leaves: the
        # gateway may stop the worker as soon as it has it.
        $SIG{TERM} = $TERM_HANDLER if $TERM_SCRIPT;
        $IN_SCRIPT = 0;
        close_data() if defined $DATA_OFFSET;
        # (The script's -w as it left it, for the flush of its exit.)
        $exit_w = $^W;
    }
    # (Outside the block: its local $_ is gone.)
    main0_clear() if @MAIN0_FILL;
    # The answer ends: the last output, the ends of the streams and
    # FCGI_END_REQUEST leave in one write. What the client cannot see is
    # restored after, while it reads.
    end_kids() if $FORKS != $REQ_FORKS && $KIDS;
    $FINISHING = 1;
    $FD1_DRAINED = 0;
    finish_stdout($exit_w);
    eval { *main::STDERR{IO}->flush } if *main::STDERR{IO};
    if ($ABORTED) {
        $QUEUE = '';
    } else {
        $QUEUE .= record(FCGI_STDERR, $REQ_ID, '') if $ERR_SENT;
        end_request($REQ_ID, $status, FCGI_REQUEST_COMPLETE);
        $ANSWERED = 1;
    }
    $FINISHING = 0;
    # (Before restore_watched: the script's settings in a package whose
    # load failed, `BEGIN { $Foo::DEBUG = 1 }` compiled once under
    # registry, come back for the next load, and a failed module is no
    # module of a variable saved empty.)
    # (Whether %INC grew is asked first: forget_failed_loads may take
    # entries out again.)
    my $libs = !$perlrun && $watched && scalar(keys %INC) != $REG_WATCHED_INC ? new_libs() : undef;
    forget_failed_loads() if scalar(keys %INC) != $INC_SEEN;
    # The overrides of builtins the request made (CORE::GLOBAL::) go
    # before anything compiles again (see cg_restore).
    cg_restore($cg_compiled, $inc0) unless &$CG_SAME;
    known_loaded($watched) if $watched && @$SNAP_ABSENT && scalar(keys %INC) != $SNAP_INC;
    restore_watched($watched, $libs) if $watched;
    restore_module_settings() if @MODSET_LIVE || scalar(keys %INC) != $MODSET_INC;
    restore_sigs($sig_base) unless $TERM_SCRIPT;
    @INC = $perlrun ? @INC0 : @REG_INC ? @REG_INC : @inc_before;
    umask($UMASK);
    restore_nice() if defined $NICE0;
    restore_ids() if @IDS0;
    retire_for_setting() if defined $PROC_SETTING && $INC{$PROC_SETTING};
    restore_interpreter();
    # The signal mask is a process's: what the request blocked (the
    # script's sigprocmask, a library's, a module's) would stay blocked
    # for every later request, its programs, and the gateway's SIGTERM.
    # Seen whatever changed it, with one system call (rt_sigprocmask
    # reading the mask into a buffer, a string comparison); only a
    # changed mask costs more (restore_sigmask).
    restore_sigmask() if $SIGMASK_NR
        ? syscall($SIGMASK_NR, 0, 0, $MASK_NOW, 8) || $MASK_NOW ne $MASK_RAW0
        : $SIGMASK0 && (!POSIX::sigprocmask(POSIX::SIG_BLOCK(), undef, $MASK_NOW) || $$MASK_NOW ne $$SIGMASK0);
    reset_fds();
    if ($MODE eq 'auto' && $REG_SUB) {
        if (my $why = $OBJ_HELD || registry_restore() || registry_changed() || (@APP_LEX ? app_lexicals_changed() : undef)) {
            switch_to_perlrun($why);
        }
    }
    # (Not for a worker that ends: restore_ids may have left it in
    # another root, where the script's directory is not.)
    prepare_next() unless $TERM;
    return $status;
}

# restore_nice puts back the worker's priority (its nice value) when the
# request changed it (setpriority, POSIX::nice, renice): it would hold
# for every later request and the programs they run, where a CGI
# process's dies with it. A process without CAP_SYS_NICE cannot raise
# it again (EACCES): then this worker serves no other request. It ends
# as after a SIGTERM between requests (exit 0 once the connection is
# closed), and the gateway starts a new one.
sub restore_nice {
    my $now = getpriority(0, 0);
    return if $now == $NICE0 || setpriority(0, 0, $NICE0);
    logmsg("the script changed the worker's priority (nice $NICE0 -> $now) and it cannot be put back ($!): this worker ends after this request");
    $TERM = 1;
}

# retire_for_setting ends the worker after a request of a script that
# may have changed a setting a module keeps for the whole process, in C,
# which Perl can neither read nor put back: XML::LibXML's external entity
# loader (externalEntityLoader: a C global that XML::LibXML sets only
# while it is empty, and that a second call in one process frees, so
# that the documented guard set on every request broke from the second
# request on), ImageMagick's resource limits (Set('memory-limit' => ...):
# a limit one request set made the next request's images fail). The
# worker ends as in restore_nice and the gateway starts another. Only
# scripts whose source names such a setting pay for it (a new worker
# for each request); others, nothing (a scan of the source at start).
sub retire_for_setting {
    my $what = $PROC_SETTING eq 'XML/LibXML.pm' ? "XML::LibXML's external entity loader" : "ImageMagick's resource limits";
    logmsg("the script may have set $what, which is the process's and cannot be put back: this worker ends after this request");
    $TERM = 1;
}

# restore_ids puts back the user and group ids and the root directory
# of a worker started as root, when the request changed them: a library's
# `$> = 65534`, an imported setuid, a chroot would hold for every later
# request and the programs it runs (one user's request served as
# another's), where a CGI process's die with it. (Classify serves the
# scripts whose own source does that per request.) Ids can be put back
# while the real or saved uid is still 0 (a seteuid: root's effective
# uid first, which the others need); not after a setuid, which drops
# them all. A changed root is never undone: that would take a descriptor
# of the old one, which a jailed script could use to get out too. Then
# this worker serves no other request: it ends as in restore_nice, after
# the answer and before reading another record. Other workers pay one
# test; a root worker seven system calls (the ids, one stat of /).
sub restore_ids {
    my ($dev, $ino) = stat '/';
    return if $< == $IDS0[0] && $> == $IDS0[1] && $( eq $IDS0[2] && $) eq $IDS0[3]
        && $dev == $IDS0[4] && $ino == $IDS0[5];
    my $was = "uid $<, euid $>, gid $(, egid $), root $dev:$ino";
    if ($dev == $IDS0[4] && $ino == $IDS0[5]) {
        $> = 0 if $> != 0;
        $) = $IDS0[3] if $) ne $IDS0[3];
        $( = $IDS0[2] + 0 if $( ne $IDS0[2];
        $< = $IDS0[0] if $< != $IDS0[0];
        $> = $IDS0[1] if $> != $IDS0[1];
        return if $< == $IDS0[0] && $> == $IDS0[1] && $( eq $IDS0[2] && $) eq $IDS0[3];
    }
    logmsg("the script changed the worker's user, group or root ($was; at start uid $IDS0[0], euid $IDS0[1], gid $IDS0[2], egid $IDS0[3], root $IDS0[4]:$IDS0[5]) and it cannot be put back: this worker ends after this request");
    $TERM = 1;
}

# CORE::GLOBAL:: holds the overrides of perl's builtins: a sub put there
# (a glob assignment from another package) replaces the builtin in all
# code compiled after it, the modules', the string evals' and the
# compilations of every later request. A CGI process's end takes what its
# script put there; a worker kept it: `*{"CORE::GLOBAL::time"} = sub { 42
# }` in one request, and every later `eval "time"` said 42; a die override
# heard the dies of every later string eval. So after each request the
# table is put back as the request found it (cg_restore): a name it added
# is deleted, a sub it replaced or took away is back. What a request
# starts from: the runner's own caller, exit and fork; under registry,
# the table as its one compilation left it (what that compilation's BEGIN
# blocks and modules put there holds for every request, as under
# mod_perl); perlrun compiles every request from the runner's, and what
# its BEGIN blocks put there goes after the request, to be made again by
# the next compilation, as in a new process. What a module loaded in the
# request put there as it loaded (Hook::LexWrap's caller, Test::MockTime's
# time: a sub compiled from the module's file) is the module's and stays
# with it: loaded once per worker, the module does not make it again.
# Code compiled while a name the request added was there calls its sub
# through the glob: kept emptied it would find none, kept whole it would
# still call the request's. So when something compiled that outlives the
# request holds such a glob (a module loaded as the request ran, a sub a
# string eval left in a package that stays: the glob's reference count
# says so), the worker ends after the request, logged, as for ids it
# cannot put back; unless the name was made by the compilation of a
# perlrun request, which the next compilation makes again in the same
# glob: that glob stays, without its sub meanwhile. The putting back
# comes after the answer, as a process's end comes after its global
# destruction (the objects destroyed with the script's variables, the
# END blocks, CGI.pm's and DBI's cleanup see the script's overrides).
# A request that changes nothing pays one compiled expression, the
# table's number of names and the address of each of its few subs
# ($CG_SAME: about 3.5k instructions; a loop over them cost 11k, and
# mro::get_pkg_gen, which would also see a glob deleted and made
# again, 3k and a module more). Not seen: a sub emptied in place
# (`undef &CORE::GLOBAL::time`), a glob of the table deleted and made
# anew under the same name, and what is no sub (a scalar there
# overrides nothing).

# cg_table returns CORE::GLOBAL:: as name => [glob, sub]. A name whose
# entry is no glob (a sub's declaration stored in place): [undef, its sub].
sub cg_table {
    my %t;
    for my $k (keys %CORE::GLOBAL::) {
        next if substr($k, -2) eq '::';
        my $e = \$CORE::GLOBAL::{$k};
        $t{$k} = ref $e eq 'GLOB' ? [$e, *{$e}{CODE}] : [undef, ref $$e eq 'CODE' ? $$e : undef];
    }
    return \%t;
}

# cg_marks returns the table as name => the addresses of its glob and sub
# (no references: they would count in the glob's reference count).
sub cg_marks {
    my $t = cg_table();
    return { map { $_ => [map { Scalar::Util::refaddr($_) // 0 } @{ $t->{$_} }] } keys %$t };
}

# cg_base notes CORE::GLOBAL:: as the table a request starts from:
# $CG_SAME, compiled for it, tells whether the table still has as many
# names and each of its names the same sub (one expression, as
# stash_same's; `\&NAME` of a name with a sub, `defined &NAME` of one
# without: `\&NAME` would declare one).
sub cg_base {
    my $t = $REG_SUB && $CG_REG ? $CG_REG : \%CG_BASE0;
    $CG_KEYS = keys(%$t) + grep { substr($_, -2) eq '::' } keys %CORE::GLOBAL::;
    my $src = "sub { keys(%CORE::GLOBAL::) == $CG_KEYS";
    for my $n (sort grep { /^[A-Za-z_]\w*\z/ } keys %$t) {
        my $c = $t->{$n}[1];
        $src .= $c ? " && \\&CORE::GLOBAL::$n == " . Scalar::Util::refaddr($c) : " && !defined &CORE::GLOBAL::$n";
    }
    local $@;
    $CG_SAME = eval "$src }" or die "cg_base: $@";
}

# cg_module_made tells whether a sub was compiled from the file of a
# module the request loaded ($loaded: its %INC keys) that stays loaded
# (a constant sub too, `sub () { 1000000000 }`; an XS sub's file is its C
# source's: the module that put it there cannot be told from it).
sub cg_module_made {
    my ($code, $loaded) = @_;
    my $cv = B::svref_2object($code);
    return 0 unless $cv->isa('B::CV');
    my $pkg = module_file_set()->{ $cv->FILE } // return 0;
    (my $key = "$pkg.pm") =~ s{::}{/}g;
    return $loaded->{$key};
}

# cg_empty takes the sub out of a glob, and nothing else: the glob stays
# the one compiled code holds.
sub cg_empty {
    my ($g) = @_;
    my @keep = map { *{$g}{$_} // () } qw(SCALAR ARRAY HASH IO FORMAT);
    undef *$g;
    *$g = $_ for @keep;
}

# cg_restore puts CORE::GLOBAL:: back as the request found it (see above).
# $compiled: cg_marks() right after a perlrun compilation that changed the
# table; $inc0: %INC as the request began. Without $inc0 (auto leaving
# registry) everything goes back, and nothing retires the worker.
sub cg_restore {
    my ($compiled, $inc0) = @_;
    my $base = $REG_SUB && $CG_REG ? $CG_REG : \%CG_BASE0;
    my $now = cg_table();
    # The modules loaded as the request ran that stay (perlrun's wipe
    # has dropped the application's own and the libraries).
    my $loaded = $inc0 ? cg_loaded($inc0) : {};
    my $why;
    no strict 'refs';
    no warnings qw(redefine prototype);
    for my $n (sort keys %{ { %$base, %$now } }) {
        my ($b, $c) = ($base->{$n}, $now->{$n});
        next if $b && $c && $c->[0] && $b->[0] == $c->[0] && ($b->[1] // 0) == ($c->[1] // 0);
        if ($c && $c->[1] && %$loaded && cg_module_made($c->[1], $loaded)) {
            my $g = \*{"CORE::GLOBAL::$n"};
            $CG_BASE0{$n} = [$g, $c->[1]];
            $CG_REG->{$n} = [$g, $c->[1]] if $CG_REG;
            next;
        }
        if ($b) {
            # Replaced or taken away: its sub back, in the glob the table
            # has now (code compiled since holds that one).
            my $g = \*{"CORE::GLOBAL::$n"};
            if ($b->[1]) { *$g = $b->[1] } else { cg_empty($g) }
            $b->[0] = $g;
            next;
        }
        # A name without a sub is no override, and nothing calls it: the
        # first glob() compiled in a process (a string eval, a module the
        # request loaded: Config::General, HTML::Mason's resolver, a
        # Catalyst application's) loads File::Glob, whose import names
        # *CORE::GLOBAL::glob for its :globally, and the code compiled
        # holds the name. It stays, empty, as in the base (a sub put
        # there later is an override taken away, see above). Taken for
        # the script's override, it ended the worker after every request.
        if ($c->[0] && !$c->[1]) {
            $CG_BASE0{$n} = [$c->[0], undef];
            $CG_REG->{$n} = [$c->[0], undef] if $CG_REG;
            next;
        }
        # Added by the request. (Held by the table and $now alone: no copy
        # of $now's reference may count.)
        if ($c->[0] && B::svref_2object($c->[0])->REFCNT > 2) {
            my $m = $compiled && $compiled->{$n};
            if ($m && $m->[0] == Scalar::Util::refaddr($c->[0]) && !$REG_SUB) {
                cg_empty($c->[0]);
                $CG_BASE0{$n} = [$c->[0], undef];
                next;
            }
            $why //= "the script made CORE::GLOBAL::$n an override of perl's builtin, and code compiled"
                . " meanwhile that stays loaded calls it" if $inc0;
        }
        delete $CORE::GLOBAL::{$n};
    }
    %CG_INC = map { $_ => 1 } keys %INC if $REG_SUB;
    cg_base();
    if ($why) {
        logmsg("$why: this worker ends after this request");
        $TERM = 1;
    }
}

# cg_loaded returns the modules (their %INC keys) loaded since %$inc0 held
# %INC's keys: an override one of them made as it loaded is the module's
# (cg_module_made), kept with it.
sub cg_loaded {
    my ($inc0) = @_;
    return { map { $_ => 1 } grep { !exists $inc0->{$_} && is_module_key($_) } keys %INC };
}

# cg_registry_base takes the table the registry's requests start from,
# as its compilation left it. What modules it loaded made there is
# perlrun's too, should auto leave registry.
sub cg_registry_base {
    my ($inc0) = @_;
    no strict 'refs';
    if (!&$CG_SAME) {
        my $now = cg_table();
        my $loaded = cg_loaded($inc0);
        for my $n (keys %$now) {
            my $c = $now->{$n}[1] or next;
            next if $CG_BASE0{$n} && ($CG_BASE0{$n}[1] // 0) == $c;
            $CG_BASE0{$n} = [\*{"CORE::GLOBAL::$n"}, $c] if %$loaded && cg_module_made($c, $loaded);
        }
    }
    # (Every name a glob, as cg_restore compares them.)
    for my $k (grep { substr($_, -2) ne '::' } keys %CORE::GLOBAL::) {
        my $g = \*{"CORE::GLOBAL::$k"};
    }
    $CG_REG = cg_table();
    %CG_INC = map { $_ => 1 } keys %INC;
    cg_base();
}

# disarm_itimers stops the interval timers that count the process's CPU
# time (ITIMER_VIRTUAL, ITIMER_PROF), which only Time::HiRes's setitimer
# arms. Its sub and the timers' numbers are looked up once, in the loaded
# module (its constant(), which its AUTOLOAD calls: calling the AUTOLOAD
# would add names to its package, and naming them here would make the
# package before any script loads it); an %INC entry with no module
# behind it has none.
sub disarm_itimers {
    if (!@ITIMERS) {
        my $set = loaded_sub('Time::HiRes', 'setitimer');
        my $const = loaded_sub('Time::HiRes', 'constant');
        return unless $set && $const;
        my @which = map { my ($err, $n) = $const->($_); $err ? () : $n } qw(ITIMER_VIRTUAL ITIMER_PROF);
        @ITIMERS = ($set, @which);
    }
    my ($set, @which) = @ITIMERS;
    $set->($_, 0) for @which;
}

# restore_sigmask puts back the signal mask the worker started with. A
# signal the request blocked and left pending (SIGPIPE from a write to a
# pipe with no reader, a USR1 or ALRM it sent itself, a CPU-time timer's
# SIGVTALRM) is discarded first, while still blocked: unblocked now, with
# %SIG back to the defaults, it would kill the worker after the answer
# (the next request a 502), where a CGI process exits with it pending and
# nothing happens. Setting a pending signal to be ignored discards it;
# `local` then gives it back the handler restore_sigs set. Not SIGTERM:
# the runner's handler has it (the gateway's stop, held back by the
# script's mask, ends the worker after this request). Nor what the
# worker's own mask blocks: it stays pending as it was.
sub restore_sigmask {
    my $pending = POSIX::SigSet->new;
    if (POSIX::sigpending($pending)) {
        for my $n (1 .. $#SIG_NUM_NAME) {
            my $name = $SIG_NUM_NAME[$n];
            next unless defined $name && $name ne 'TERM' && $pending->ismember($n) && !$SIGMASK0->ismember($n);
            local $SIG{$name} = 'IGNORE';
        }
    }
    POSIX::sigprocmask(POSIX::SIG_SETMASK(), $SIGMASK0);
}

# restore_interpreter puts back what a request may change in the
# interpreter itself, which a new process would have as perl starts it:
# the format accumulator and its characters ($^A $: $^L), -i's
# extension, the highest fd kept across exec ($^F), $^O, $^X, $^R, the
# debugger flags ($^P: informative names for evals and anonymous subs),
# and the C locale (POSIX::setlocale; a new perl takes it from the
# environment it started with, as this one did).
sub restore_interpreter {
    $^A = '' if length $^A;
    $: = " \n-" if $: ne " \n-";
    $^L = "\f" if $^L ne "\f";
    undef $^I if defined $^I;
    undef $^R if defined $^R;
    $^P = $INTERP0{P} if $^P != $INTERP0{P};
    $^F = $INTERP0{F} if $^F != $INTERP0{F};
    # (Assigned every time: an equal value may keep a pos() or the utf8
    # flag a request left, which an assignment clears.)
    $^O = $INTERP0{O};
    $^X = $INTERP0{X};
    # %! (Errno's tied hash, %ERRNO and %OS_ERROR under English): its
    # `each` iterator, which a request left half way, would go on in the
    # next (keys in void context resets it, without a call to the tie).
    # (Only for a script whose code names it and `each`: the reset costs
    # some 6k instructions a request.)
    if ($ERRNO_EACH and my $errno = $main::{'!'}) {
        keys %{*$errno{HASH}} if ref \$errno eq 'GLOB' && *$errno{HASH};
    }
    # (Of every script: a library it requires, or a module, may set it;
    # the query costs about 50 ns.)
    if (defined $INTERP0{locale}) {
        my $now = POSIX::setlocale(POSIX::LC_ALL());
        POSIX::setlocale(POSIX::LC_ALL(), $INTERP0{locale}) if !defined $now || $now ne $INTERP0{locale};
    }
}

# compile_sigs sets %SIG for a perlrun compilation: as the last one left
# it, but for the handlers compiled from the script (a closure over that
# request's data, alice's __WARN__ hook), which get the runner's start
# value back: this compilation sets them again if its BEGIN does. What a
# module set as it loaded (CGI::Carp's __WARN__ hook, a $SIG{PIPE} =
# 'IGNORE'), which a new process's compilation does again and this one no
# longer does, stays. (So does a module's handler or a string an earlier
# request's BEGIN set: pure Perl cannot tell them from those.)
sub compile_sigs {
    my %want = %SIG;
    for my $k (keys %SIG) {
        my $v = $SIG{$k};
        next if ref $v ne 'CODE' || $k eq 'TERM';
        my $file = B::svref_2object($v)->FILE;
        next unless defined $file && from_script($file);
        if (exists $SIG0{$k}) { $want{$k} = $SIG0{$k} } else { delete $want{$k} }
    }
    undef $SIG_STATE;
    restore_sig(\%want);
}

# restore_sigs puts %SIG back as the script's compilation left it (a new
# base when this request compiled), with the runner's TERM handler.
sub restore_sigs {
    my ($sig_base) = @_;
    if ($sig_base) {
        %SIG_BASE = %$sig_base;
        $SIG_BASE{TERM} = $TERM_HANDLER;
        undef $SIG_STATE;
    }
    # (sig_state inline: this runs after every request.)
    no warnings 'uninitialized';
    restore_sig(\%SIG_BASE) unless defined $SIG_STATE
        && join("\0", scalar(keys %SIG), @SIG{@SIG_NAMES}) eq $SIG_STATE;
}

# prepare_next does, while the last answer travels, the part of a request's
# fresh start that does not depend on the request: %ENV emptied, the
# script's directory as cwd (set again as the request starts), a new
# random seed. Nothing of the runner's
# runs between requests, so the next one finds them as left here; the first
# one finds them as main left them (it calls this before accepting).
sub prepare_next {
    %ENV = ();
    # (Set again as the request starts; here so that an idle worker holds
    # no directory a request went to: an unmount would find it busy.)
    chdir($SCRIPT_DIR) or logmsg("chdir $SCRIPT_DIR: $!");
    srand(new_seed());
}

# close_named_handles closes the bareword handles the script's source
# opens (DATA, LOG, Counter::LOCK...), wherever their glob lives (main's
# own names included, which the perlrun wipe leaves), flushing them and
# releasing their locks as a process exit does, and gives each a new IO:
# the format state of a handle ($- $% $= $~ $^) is a new process's again
# (an explicit close leaves $- at a full page: no top-of-form next time).
sub close_named_handles {
    for my $pn (@FH_GLOBS) {
        my $g = named_glob($pn) or next;
        close_glob_io($g) or next;
        new_io($g);
    }
}

# new_io gives the glob g a new, unopened IO.
sub new_io {
    my ($g) = @_;
    my $fresh = do { no strict 'refs'; \*{'Menshen::Runner::IOGEN'} };    # a new glob every time
    delete $Menshen::Runner::{IOGEN};
    my $old = select($fresh);      # (makes its IO: no system call)
    select($old);
    *$g = *{$fresh}{IO};
}

# pkg_space is a package as destruct_objects and its kin take it:
# [symbol table, package, [its names but sub-packages]].
sub pkg_space {
    my $h = stash($_[0]);
    return [$h, $_[0], [grep { !/::\z/ } keys %$h]];
}

# registry_spaces are the registry compilation's symbols that way: its
# main:: names and the packages it owns.
sub registry_spaces {
    my ($main_names) = @_;    # (default: every main:: name of the compilation)
    return [[\%main::, 'main', $main_names || [keys %REG_MAIN]], map { pkg_space($_) } grep { stash($_) } keys %REG_PKGS];
}

sub patch_cgi_carp {
    my $ineval = loaded_sub('CGI::Carp', 'ineval') or return;
    return if $ineval == \&cgi_carp_ineval;
    no strict 'refs';
    no warnings 'redefine';
    *{'CGI::Carp::ineval'} = \&cgi_carp_ineval;      # the package exists: nothing is created
}

# registry_compile compiles the script once (auto: unless a hazard shows).
# It returns the sub, or undef and the error; when a hazard makes the
# script perlrun, the sub, undef, its END blocks and the packages it made.
sub registry_compile {
    my $endb = end_addrs();
    %STASH_KEYS = all_stashes();
    undef $STASH_SIG;
    my ($sub, $err) = compile_script();
    my @ends = take_end_blocks($endb);
    # (Not the interpreter's caret variables, ${^CHILD_ERROR_NATIVE} and
    # the like, named with a control character: what they hold is perl's
    # state, not the script's. Those named ${^_...} are the script's:
    # perl leaves the ^_ names to programs.)
    my @main_new = grep { !exists $MAIN0{$_} && !/::\z/ && !/\A[\x00-\x1e]/ } keys %main::;
    my @pkgs = new_stashes();
    %COMPILE_PKG = map { $_ => 1 } @pkgs;
    %RUN_STASHES = ();
    my $mod = module_file_set();
    my @mine = grep { script_owned($_, $mod) } @pkgs;
    my $why;
    if ($sub && $MODE eq 'auto') {
        my $cvs = script_subs(\@main_new, \@mine);
        push @$cvs, map { ['END block', $_] } @ends;
        $why = closure_hazards($sub, $cvs) // runtime_format(\@mine);
    }
    # A standard handle the compilation tied (`BEGIN { tie *STDOUT, ... }`,
    # a module's import): each CGI process ties it anew, and what the
    # script does to it (an untie, an END block's, the runner's untie at
    # the end of the request) leaves the next request without it. Compiled
    # once, every later request wrote the plain page (a 502 for a script
    # whose header the tie makes): registry too compiles it per request.
    my ($std) = $sub ? grep { tied *{ $main::{$_} } } qw(STDOUT STDERR STDIN) : ();
    $why //= "the compilation tied $std" if $std;
    if ($why) {
        # This compilation is the request's perlrun one: a second would
        # give the request its compile-time warnings twice (in the log,
        # and in the page through warningsToBrowser), where a new process
        # compiles once. Its END blocks and packages go to the caller,
        # which runs it and wipes it after the request as perlrun's own.
        logmsg("perlrun: $why");
        $MODE = 'perlrun';
        return ($sub, undef, \@ends, \@pkgs);
    }
    if (!$sub) {
        # Nothing of this compilation may survive: the next one starts clean.
        @ends = ();
        untie_var(\*{ $main::{$_} }, 'GLOB') for grep { tied *{ $main::{$_} } } qw(STDOUT STDERR STDIN);
        wipe_main();
        delete_package($_) for @mine;
        return (undef, $err);
    }
    $REG_SUB = $sub;
    @REG_END = @ends;
    # The handles the compilation left open (a BEGIN block's log): kept.
    %REG_OPEN_IO = ();
    for my $pn ((map { ['main', $_] } @main_new), @FH_GLOBS) {
        my $g = named_glob($pn) or next;
        $REG_OPEN_IO{ Scalar::Util::refaddr(*{$g}{IO}) } = 1 if io_open(*{$g}{IO});
    }
    %REG_MAIN = map { $_ => 1 } @main_new;
    @REG_SCAN = map { [$_, 0] } @main_new;    # (auto: split_registry_symbols flags the light ones)
    %REG_PKGS = map { $_ => 1 } @mine;
    $REG_PKGS_INC = scalar keys %INC;
    @REG_INC = @INC;
    if ($MODE eq 'auto') {
        # (The slots of perl's own variables, which both leave alone.)
        my $old = main0_slots();
        registry_snapshot($old);
        logmsg(@REG_RESTORE ? "registry: compiled once; package variables restored before each request"
            : "registry: compiled once");
        split_registry_symbols($old);
        light_restores();
        %REG_FP = registry_fingerprints(1);
        $CGIAPP_SIG = cgiapp_sig();
        @APP_LEX = app_lexicals(\@mine) if @APP_ROOTS;
        push @APP_LEX, import_closures(\@mine);
        # `undef &load_templates` (a one-time sub freed after use) empties
        # the sub in place: the same sub, which the checks by address do
        # not see, and the next request would find it undefined. The subs
        # of a script whose source undefines one are also checked for
        # being defined; other scripts pay nothing for it.
        # A sub declared without a body (`sub f;`, `use subs`) that a
        # request gives one (a string eval's `sub f {...}`, an AUTOLOAD's)
        # is filled in place too: the same sub, now defined, and a "define
        # once" script (`eval 'sub f {...}' unless defined &f`) would
        # serve the next client the first request's lexicals in it. Such
        # stubs are checked for a body; a script without any pays nothing.
        @REG_DEFINED = ();
        for my $sp (@{ registry_spaces() }) {
            my ($h, $pkg, $names) = @$sp;
            for my $k (@$names) {
                my $c = exists $h->{$k} ? entry_code($h->{$k}) : undef or next;
                if (!defined &$c) {
                    push @REG_DEFINED, ["${pkg}::$k", $c, 0];
                } elsif ($UNDEF_SUB) {
                    push @REG_DEFINED, ["${pkg}::$k", $c, 1];
                }
            }
        }
        $REG_MAIN_COUNT = scalar keys %main::;
        $REG_INC_COUNT = scalar keys %INC;
        %REG_INC_KEYS = map { $_ => 1 } keys %INC;
    }
    %REG_LAYERS = map { $_ => [PerlIO::get_layers(*{$main::{$_}})] } qw(STDIN STDOUT STDERR);
    $REG_CGI = cgi_pragmas();
    return $sub;
}

# The CGI.pm variables that CGI::initialize_globals resets and that the
# pragmas of `use CGI qw(-nosticky -no_xhtml ...)` set, at compile time.
my @CGI_PRAGMAS = qw(XHTML DEFAULT_DTD NOSTICKY NPH DEBUG TABINDEX CLOSE_UPLOAD_FILES EBCDIC
    HEADERS_ONCE USE_PARAM_SEMICOLONS NO_UNDEF_PARAMS PARAM_UTF8 PUTDATA_UPLOAD
    APPEND_QUERY_STRING DTD_PUBLIC_IDENTIFIER PRIVATE_TEMPFILES);

# cgi_pragmas returns those variables' values (and %CGI::EXPORT, where
# import notes :any and the exported names) as the compilation left them,
# undef while CGI.pm is not loaded. The registry calls initialize_globals
# before each request, as CGI.pm's own mod_perl cleanup does; without
# these values put back after it, `use CGI qw(-nosticky)` held for no
# request of a registry script (gitweb's forms grew a .cgifields field).
sub cgi_pragmas {
    my $h = stash('CGI') or return undef;
    my %v;
    for my $k (@CGI_PRAGMAS) {
        my $g = $h->{$k};
        next unless defined $g && ref(\$g) eq 'GLOB';
        my $v = ${ *{$g}{SCALAR} };
        $v = [@$v] if ref $v eq 'ARRAY';
        $v{$k} = $v;
    }
    my $e = $h->{EXPORT};
    $v{'%EXPORT'} = { %{ *{$e}{HASH} } } if defined $e && ref(\$e) eq 'GLOB' && *{$e}{HASH};
    return \%v;
}

sub restore_cgi_pragmas {
    my ($v) = @_;
    my $h = stash('CGI') or return;
    for my $k (keys %$v) {
        if ($k eq '%EXPORT') {
            %{ *{ $h->{EXPORT} }{HASH} } = %{ $v->{$k} } if exists $h->{EXPORT};
            next;
        }
        my $x = $v->{$k};
        ${ *{ $h->{$k} }{SCALAR} } = ref $x eq 'ARRAY' ? [@$x] : $x;
    }
}

# apply_layers gives a registry request's fresh handles (named) the layers
# the handles had right after compilation (e.g. `use open qw(:std :utf8)`);
# what they are then is what they must be again to be kept.
sub apply_layers {
    for my $h (@_) {
        my $want = $REG_LAYERS{$h} or next;
        my $fh = *{$main::{$h}};
        my @cur = PerlIO::get_layers($fh);   # of a glob: an IO ref gives nothing
        next if !@cur || "@cur" eq "@$want";
        next if @$want < @cur || "@$want[0 .. $#cur]" ne "@cur";
        for my $l (@$want[@cur .. $#$want]) {
            binmode($fh, $l eq 'utf8' ? ':utf8' : ":$l");
        }
    }
    for my $h (@_) {
        my $sig = layer_sig(*{$main::{$h}}, $h ne 'STDIN');
        if ($h eq 'STDIN') { $SIG_IN = $sig } elsif ($h eq 'STDOUT') { $SIG_OUT = $sig } else { $SIG_ERR = $sig }
    }
}

# end_file_temp removes what File::Temp removes at a process's exit (its
# END block): the files tempfile(UNLINK => 1) and the directories
# tempdir(CLEANUP => 1) made, the files' handles closed first. Before, a
# worker kept them until its recycling, up to --max-requests files. Only
# those the request's own code asked for (the script, its libraries, its
# BEGIN blocks: file_temp_hook) count: one a module made, as it loaded or
# later, for its own use stays with the module. registry keeps them all,
# as mod_perl does (a global may hold one for the next request).
# File::Temp keeps its lists in two file-scope lexicals, reached through
# the pad of its cleanup().
our ($FT_CLEANUP, $FT_FILES, $FT_DIRS, $FT_HOOK, @FT_REQ) = (0, undef, undef, 0);
sub end_file_temp {
    my @req = splice @FT_REQ;
    return unless @req && file_temp_lists() && !$File::Temp::KEEP_ALL;
    my %mine = map { (ref $_ ? Scalar::Util::refaddr($_) : "dir $_") => 1 } @req;
    my $files = $FT_FILES && $FT_FILES->{$$};
    if (ref $files eq 'ARRAY') {
        my @keep;
        for my $f (@$files) {
            if (ref $f eq 'ARRAY' && $mine{ Scalar::Util::refaddr($f) }) {
                close($f->[0]) if ref $f->[0];
                unlink $f->[1] if defined $f->[1] && -f $f->[1];
            } else {
                push @keep, $f;
            }
        }
        @$files = @keep;
    }
    my $dirs = $FT_DIRS && $FT_DIRS->{$$};
    if (ref $dirs eq 'ARRAY') {
        my @keep;
        for my $d (@$dirs) {
            if (defined $d && !ref $d && $mine{"dir $d"}) {
                eval { File::Path::rmtree($d, 0, 0) } if -d $d && defined &File::Path::rmtree;
            } else {
                push @keep, $d;
            }
        }
        @$dirs = @keep;
    }
}

# registry_temp_note logs, at 100 files and at each tenfold after, how
# many files File::Temp keeps for removal at the worker's exit: registry
# keeps a request's `tempfile(UNLINK => 1)` as mod_perl does, and each
# holds a descriptor, so a worker that makes one a request runs out of
# descriptors (EMFILE, 1024 at a common limit) before --max-requests
# recycles it.
our $FT_NOTED = 100;
sub registry_temp_note {
    return unless @FT_REQ;
    @FT_REQ = ();
    return unless file_temp_lists() && !$File::Temp::KEEP_ALL;
    my $files = $FT_FILES && $FT_FILES->{$$};
    my $n = ref $files eq 'ARRAY' ? @$files : 0;
    return if $n < $FT_NOTED;
    $FT_NOTED *= 10 while $FT_NOTED <= $n;
    logmsg("registry: File::Temp keeps $n files (tempfile UNLINK => 1) until the worker's exit, each with an open descriptor:"
        . " lower --max-requests for this script, or let File::Temp->new objects remove theirs");
}

# file_temp_hook wraps File::Temp's _deferred_unlink (which tempfile and
# tempdir call to list a file or directory for removal at exit), once per
# loading of File::Temp, to note those the request's own code asked for:
# the first caller outside File::Temp (past string evals) is not a
# module's file. Without that private sub (another File::Temp), nothing is
# noted and nothing removed.
sub file_temp_hook {
    my $cur = File::Temp->can('_deferred_unlink') or return;
    return if Scalar::Util::refaddr($cur) == $FT_HOOK;
    my $orig = $cur;
    my $hook = sub {
        my $mine = $IN_SCRIPT && $$ == $PID && !temp_by_module();
        my $isdir = $_[2];
        $orig->(@_);
        if ($mine && file_temp_lists()) {
            my $list = $isdir ? $FT_DIRS && $FT_DIRS->{$$} : $FT_FILES && $FT_FILES->{$$};
            push @FT_REQ, $list->[-1] if ref $list eq 'ARRAY' && @$list;
        }
        return;
    };
    {
        no warnings 'redefine';
        no strict 'refs';
        *{'File::Temp::_deferred_unlink'} = $hook;
    }
    $FT_HOOK = Scalar::Util::refaddr($hook);
}

# temp_by_module tells whether the code that called File::Temp (the first
# frame outside it, past string evals) is a loaded module's file.
sub temp_by_module {
    my $mod = module_file_set();
    for (my $i = 1; my @c = caller($i); $i++) {
        next if $c[0] eq 'File::Temp' || $c[0] eq 'Menshen::Runner';
        next if !defined $c[1] || $c[1] =~ /^\(eval \d+\)/;
        return $mod->{ $c[1] } ? 1 : 0;
    }
    return 0;
}

# file_temp_lists finds File::Temp's two lists (once per loading of it),
# and reports whether it knows them.
sub file_temp_lists {
    my $cv = loaded_sub('File::Temp', 'cleanup') or return 0;
    if (Scalar::Util::refaddr($cv) != $FT_CLEANUP) {
        $FT_CLEANUP = Scalar::Util::refaddr($cv);
        ($FT_FILES, $FT_DIRS) = (undef, undef);
        my ($names, $vals) = B::svref_2object($cv)->PADLIST->ARRAY;
        my @v = $vals->ARRAY;
        my $i = 0;
        for my $pn ($names->ARRAY) {
            my $name = ref $pn eq 'B::PADNAME' ? $pn->PV : undef;
            my $r = defined $name && $name =~ /^%(?:files|dirs)_to_unlink\z/ ? $v[$i]->object_2svref : undef;
            if (ref $r eq 'HASH') {
                if ($name eq '%files_to_unlink') { $FT_FILES = $r } else { $FT_DIRS = $r }
            }
            $i++;
        }
    }
    return 1;
}

# end_dbi does to DBI's cached connections (DBI->connect_cached) what the
# exit of a CGI process does: in auto and perlrun the cache is emptied, so
# that a handle nothing else holds is destroyed now (an open transaction
# rolled back, as DBI does at a handle's DESTROY) and the next request
# connects anew. Before, one user's transaction left open by a caught
# error or an `exit` before `commit` was the next user's, with its rows
# (and SQLite's write lock held by the idle worker). registry keeps the
# cache, as Apache::DBI does under mod_perl; in every level, what a
# request left uncommitted is rolled back first. A trace level a request
# set (DBI->trace, into its file) is turned off, unless DBI_TRACE asks for
# one, and the last handle's error is cleared.
sub end_dbi {
    my $h = stash('DBI') or return;
    my $g = $h->{installed_drh};
    return unless defined $g && ref(\$g) eq 'GLOB' && *{$g}{HASH};
    for my $drh (values %{ *{$g}{HASH} }) {
        my $kids = eval { $drh->{CachedKids} };
        next unless ref $kids eq 'HASH' && %$kids;
        for my $dbh (values %$kids) {
            eval {
                if ($dbh->{Active} && !$dbh->{AutoCommit}) {
                    $dbh->rollback;
                    # (The exit of a process destroys it without a word:
                    # so does the runner, for a handle in AutoCommit
                    # off, which DBI would warn of.)
                    $dbh->{Warn} = 0 if $MODE ne 'registry' && !$dbh->{AutoCommit};
                }
                1;
            };
        }
        eval { %$kids = (); 1 } if $MODE ne 'registry';
    }
    # The error of the request's last handle ($DBI::err, $DBI::errstr: a
    # destroyed handle leaves it to its driver) is not the next one's: a
    # new process has none. (They are tied to DBI's last handle, which
    # then is the driver: $DBI::state says '' where a new process says
    # undef.)
    my $eg = $h->{err};
    if (defined $eg && ref(\$eg) eq 'GLOB' && eval { defined ${ *{$eg}{SCALAR} } }) {
        eval { $_->set_err(undef, undef) for values %{ *{$g}{HASH} }; 1 };
    }
    if (!defined $ENV{DBI_TRACE} && loaded_sub('DBI', 'trace')) {
        eval { DBI->trace(0, 'STDERR') if DBI->trace; 1 };
    }
}

# reg_pkgs_recheck drops from the registry's packages of the script those
# a module filled since: a package the source names (`$DBD::SQLite::VERSION`)
# was there and empty at the compilation, and a module another one loads
# at run time (DBI its driver) went into it. Its variables are that
# module's, not the script's to fingerprint, restore or delete.
sub reg_pkgs_recheck {
    $REG_PKGS_INC = scalar keys %INC;
    my $mod = module_file_set();
    for my $pkg (keys %REG_PKGS) {
        next if script_owned($pkg, $mod);
        delete $REG_PKGS{$pkg};
        my $h = stash($pkg) or next;
        my $addr = Scalar::Util::refaddr($h);
        delete $REG_KNOWN{$addr};
        @REG_RESTORE = grep { $_->[0] != $h } @REG_RESTORE;
        delete @REG_FP{ grep { /^\Q$pkg\E::[^:]+\z/ } keys %REG_FP };
    }
}

sub switch_to_perlrun {
    my ($why) = @_;
    ($REG_WATCHED, $REG_WATCHED_INC) = ();
    logmsg("switching to perlrun: $why");
    # (The packages the requests made, before anything is deleted: see
    # below.)
    new_stashes();
    $MODE = 'perlrun';
    undef $CGIAPP_SIG;
    undef $REG_SUB;
    # perlrun compiles from the runner's CORE::GLOBAL::, with what the
    # registry's modules made there.
    undef $CG_REG;
    cg_restore();
    @REG_END = ();
    wipe_main();
    my $mod = module_file_set();
    delete_package($_) for grep { script_owned($_, $mod) } keys %REG_PKGS;
    # And those the requests made (${"${pkg}::x"} = ...): the next request
    # must not find what they hold.
    my @run = grep { stash($_) } keys %RUN_STASHES;
    delete_package($_) for @run ? owned_packages(@run) : ();
    %RUN_STASHES = ();
    drop_libs(\%REG_INC_KEYS) if %REG_INC_KEYS;
    %REG_INC_KEYS = ();
    # The application's own modules (their packages went with the
    # script's above) are loaded again by the next compilation.
    if (@APP_ROOTS) {
        delete $INC{$_} for grep { app_key($_) } keys %INC;
    }
    @APP_LEX = ();
    %REG_PKGS = ();
    %REG_MAIN = ();
    %REG_FP = ();
    @REG_INC = ();
    %REG_LAYERS = ();
    @REG_LIGHT = ();
    %REG_HEAVY = ();
    @REG_SCAN = ();
    @REG_DEFINED = ();
    @REG_RESTORE = ();
    %REG_KNOWN = ();
    %STASH_KEYS = all_stashes();
    undef $STASH_SIG;
}

# ---------------------------------------------------------------------------
# One connection.

# parse_pairs reads FastCGI name-value pairs into the hash h (and returns
# it); a truncated pair ends the list.
sub parse_pairs {
    my ($buf, $h) = @_;
    $h //= {};
    my ($off, $len, $nl, $vl) = (0, length $buf);
    while ($off < $len - 1) {
        if (($nl = ord substr($buf, $off, 1)) < 128 && ($vl = ord substr($buf, $off + 1, 1)) < 128) {
            $off += 2;
        } else {
            # 1 or 4 bytes each: the high bit of the first byte says which.
            if ($nl < 128) {
                $off += 1;
            } else {
                return $h if $off + 4 > $len;
                $nl = unpack("\@$off N", $buf) & 0x7fffffff;
                $off += 4;
            }
            return $h if $off >= $len;
            $vl = ord substr($buf, $off, 1);
            if ($vl < 128) {
                $off += 1;
            } else {
                return $h if $off + 4 > $len;
                $vl = unpack("\@$off N", $buf) & 0x7fffffff;
                $off += 4;
            }
        }
        return $h if $off + $nl + $vl > $len;
        $h->{substr($buf, $off, $nl)} = substr($buf, $off + $nl, $vl);
        $off += $nl + $vl;
    }
    return $h;
}

# env_block fills %ENV from the params when the gateway sent them as an
# environment block (its BEGIN_REQUEST's second reserved byte, ENV_BLOCK):
# one pair with an empty name, its value NAME NUL value NUL NAME..., no
# NUL at the end (fastcgi/envblock.go). One split and one assignment,
# where parse_pairs' loop costs some hundred Perl operations a request.
# False, %ENV untouched, for params that are not exactly such a block
# (then they are read as pairs).
sub env_block {
    my $len = length $_[0];
    return 0 unless $len >= 5 && vec($_[0], 0, 8) == 0 && vec($_[0], 1, 8) >= 128
        && (unpack('N', substr($_[0], 1, 4)) & 0x7fffffff) == $len - 5;
    # (An even number of fields: an odd number of NULs, or none at all.)
    return 0 if $len > 5 && !((substr($_[0], 5) =~ tr/\0//) % 2);
    if (${^TAINT}) {
        # Under -T (or -t) the split's fields are tainted, names too, and
        # a list assignment to %ENV keeps each name's tainted SV in its
        # element's magic: reading it there taints every later
        # assignment to the element, and `$ENV{PATH} = '/bin'` leaves
        # PATH tainted (exec and system refuse it). Names from a hash's
        # keys are untainted, as perl's own are.
        my %env = split /\0/, substr($_[0], 5), -1;
        @ENV{keys %env} = values %env;
    } else {
        %ENV = split /\0/, substr($_[0], 5), -1;
    }
    return 1;
}

sub encode_pairs {
    my (@kv) = @_;
    my $out = '';
    while (my ($k, $v) = splice(@kv, 0, 2)) {
        for my $l (length $k, length $v) {
            $out .= $l < 128 ? chr($l) : pack('N', $l | 0x80000000);
        }
        $out .= $k . $v;
    }
    return $out;
}

sub serve_conn {
    $RBUF = '';
    $CONN_DEAD = 0;
    my $req;
    while (1) {
        my ($type, $id, $content, $end);
        # A whole record already in the buffer (a request's records come
        # in one read) is taken here, as read_record would take it: its
        # call, for each of a request's four records, cost more than this.
        if (length($RBUF) >= 8 && ord($RBUF) == FCGI_VERSION_1
            && length($RBUF) >= ($end = 8 + vec($RBUF, 2, 16) + vec($RBUF, 6, 8))) {
            ($type, $id, $content) = (vec($RBUF, 1, 8), vec($RBUF, 1, 16), substr($RBUF, 8, $end - 8 - vec($RBUF, 6, 8)));
            substr($RBUF, 0, $end, '');
        } else {
            ($type, $id, $content) = read_record(!$req);
            return unless defined $type;
        }
        if ($id == 0) {
            if ($type == FCGI_GET_VALUES) {
                my $q = parse_pairs($content);
                my %have = (FCGI_MAX_CONNS => 1, FCGI_MAX_REQS => 1, FCGI_MPXS_CONNS => 0);
                my @kv = map { ($_ => $have{$_}) } grep { exists $have{$_} } sort keys %$q;
                conn_write(record(FCGI_GET_VALUES_RESULT, 0, encode_pairs(@kv)));
            } else {
                conn_write(record(FCGI_UNKNOWN_TYPE, 0, pack('Cx7', $type)));
            }
            next;
        }
        if ($type == FCGI_BEGIN_REQUEST) {
            my ($role, $flags, $linger, $opts) = unpack('nCCC', $content . "\0\0\0\0\0");
            if ($req) {
                end_request($id, 0, FCGI_CANT_MPX_CONN);
                next;
            }
            if ($role != FCGI_RESPONDER) {
                end_request($id, 0, FCGI_UNKNOWN_ROLE);
                return unless $flags & FCGI_KEEP_CONN;
                next;
            }
            $req = { id => $id, keep => $flags & FCGI_KEEP_CONN, linger => $linger, block => $opts & ENV_BLOCK, params => '', body => '', len => 0 };
            next;
        }
        next unless $req && $id == $req->{id};
        if ($type == FCGI_ABORT_REQUEST) {
            end_request($id, 0, FCGI_REQUEST_COMPLETE);
            my $keep = $req->{keep};
            undef $req;
            return unless $keep;
            next;
        }
        if ($type == FCGI_PARAMS) {
            if (length $content) { $req->{params} .= $content } else { $req->{params_done} = 1 }
            next;
        }
        if ($type == FCGI_STDIN) {
            if (length $content) {
                $req->{len} += length $content;
                if ($req->{spool}) {
                    spool_append($req, $content);
                } elsif ($req->{len} > BODY_IN_MEMORY && !$req->{in_memory} && (my $fh = temp_file())) {
                    $req->{spool} = $fh;
                    spool_append($req, delete($req->{body}) . $content);
                    $req->{body} //= '';
                } else {
                    $req->{body} .= $content;
                }
                next;
            }
            $REQ_ID = $id;
            $ANSWERED = 0;
            run_request($req);
            $REQ_ID = undef;
            my $keep = $req->{keep};
            $LINGER = $req->{linger};
            undef $req;
            return if !$keep || $TERM || $CONN_DEAD;
            next;
        }
        # FCGI_DATA and unknown request records: ignored.
    }
}

# spool_append adds data to the request body's temp file. When the file
# takes less (a full disk, a quota), the body goes back to memory, whole,
# as when no temp file can be made: a script must never read less than
# the CONTENT_LENGTH it was given.
sub spool_append {
    my ($req, $data) = @_;
    my $fh = $req->{spool};
    my $n = syswrite($fh, $data) // 0;
    return if $n == length $data;
    my $why = write_failure();
    my $size = sysseek($fh, 0, 1) || 0;
    sysseek($fh, 0, 0);
    my $body = '';
    while (length($body) < $size) {
        sysread($fh, $body, $size - length($body), length $body) or last;
    }
    close $fh;
    delete $req->{spool};
    $req->{in_memory} = 1;    # (the rest of it too: no new temp file for each record)
    $req->{body} = $body . substr($data, $n);
    body_in_memory($why);
}

# write_failure says why a write to a temp file took less than it was
# given: $!, or a short write.
sub write_failure { return $! ? "$!" : 'a short write' }

# body_in_memory logs that a request body stays in memory, and why.
sub body_in_memory {
    logmsg("cannot write a request body to a temp file in " . ($TMPDIR // '/tmp') . " ($_[0]): this one stays in memory");
}

# ---------------------------------------------------------------------------
# Start.

sub parse_shebang {
    my ($src) = @_;
    return () unless $src =~ /\A#!([^\n]*)/;
    my $line = $1;
    $line =~ s/\r\z//;
    my @words = split ' ', $line;
    shift @words;                                  # the interpreter
    @words = grep { $_ ne '-S' } @words;
    shift @words while @words && $words[0] !~ /^-/ && $words[0] =~ /perl/;   # env perl
    my %sw;
    for my $w (@words) {
        last if $w eq '--';
        return (bad => $w) unless $w =~ /^-(.+)/;
        for my $c (split //, $1) {
            if ($c eq 'w' || $c eq 'T' || $c eq 't') { $sw{$c} = 1 }
            else { return (bad => "-$c") }
        }
    }
    return %sw;
}

# main sets the runner up, then serves connections until told to stop. The
# setup is a sub of its own: the regex matches it makes are over when it
# returns, so that a script starts where no match has succeeded yet (an
# empty pattern, //, then matches everything, and $& is undef).
sub main {
    setup(@_);
    restore_std_globs();    # (takes note of their bodies)
    prepare_next();
    while (!$TERM) {
        my $conn;
        if (!accept($conn, $LISTEN)) {
            next if $!{EINTR} || $!{EAGAIN} || $!{ECONNABORTED} || $!{EPROTO};
            last if $TERM;
            if ($!{EMFILE} || $!{ENFILE} || $!{ENOBUFS} || $!{ENOMEM}) {
                logmsg("accept: $!");
                select(undef, undef, undef, 0.1);
                next;
            }
            last;      # the gateway closed or shut down the listener
        }
        wake_each_second($conn);
        $CONN = $conn;
        serve_conn();
        close $conn;
        $CONN = undef;
    }
    exit 0;
}

sub setup {
    my @args = @_;
    $ISOLATION = 'auto';
    while (@args && $args[0] =~ /^--/) {
        my $a = shift @args;
        if ($a =~ /^--isolation=(auto|perlrun|registry)\z/) { $ISOLATION = $1 }
        # (Untainted: the gateway made this directory.)
        elsif ($a =~ m{^--tmpdir=(/[^\0\r\n]*)\z}) { $TMPDIR = $1 }
        elsif ($a eq '--') { last }
        else { die "menshen-runner: unknown option $a\n" }
    }
    die "usage: runner.pl [--isolation=auto|perlrun|registry] [--tmpdir=/abs/dir] /abs/path/script.pl\n" unless @args == 1;
    $O_TMPFILE = o_tmpfile();
    # Under taint mode $0 is tainted in a CGI process (it comes from argv):
    # an empty string that carries the taint of our own argv gives it that.
    $TAINTED = substr($args[0], 0, 0);
    # Untainted here (taint mode): the gateway resolved this path itself,
    # and it is only used as the script's name and to open and chdir.
    ($SCRIPT) = $args[0] =~ m{\A(/[^\0\r\n]*)\z}
        or die "menshen-runner: the script path must be absolute, without newlines\n";
    ($BASENAME = $SCRIPT) =~ s{.*/}{};
    ($SCRIPT_DIR = $SCRIPT) =~ s{/[^/]*\z}{};
    $SCRIPT_DIR = '/' if $SCRIPT_DIR eq '';
    # The working directory the gateway started us in is the script's as
    # cgi mode has it: a symlink's directory, where $SCRIPT is the target
    # (untainted: the gateway chose it).
    if (defined(my $cwd = POSIX::getcwd())) {
        ($SCRIPT_DIR) = $cwd =~ m{\A(/[^\0]*)\z} if $cwd ne $SCRIPT_DIR;
    }
    $PID = $$;
    $INITIAL_W = $^W;

    # fds: the listener leaves fd 0; 0, 1 and 2 are always open.
    open($DEVNULL, '+<', '/dev/null') or die "menshen-runner: open /dev/null: $!\n";
    $DEVNULL_FD = fileno($DEVNULL);
    # (Before STDIN is closed: a dup of a temp file opened after that
    # comes out read-only, and syswrite STDOUT fails with EBADF.)
    # (In the private directory, never named: see temp_file.)
    $SINK = temp_file() // $DEVNULL;
    POSIX::dup2($DEVNULL_FD, 2) unless POSIX::fstat(2);
    # fd 1 is each request's capture file (new_capture), read through
    # $FD1; until the first request it is /dev/null.
    POSIX::dup2($DEVNULL_FD, 1);
    open($FD1, '+<&=', 1) or die "menshen-runner: open fd 1: $!\n";
    open($FORK_SENTINEL, '>&', $DEVNULL) or die "menshen-runner: dup /dev/null: $!\n";
    binmode($FORK_SENTINEL, ':pop:via(Menshen::Runner::Forks)')
        or die "menshen-runner: push the fork sentinel layer: $!\n";
    open($LOG, '>&', \*STDERR) or die "menshen-runner: dup stderr: $!\n";
    $LOG_FD = fileno($LOG);
    $LOG_FL = fcntl($LOG, Fcntl::F_GETFL(), 0) // 0;
    $LOG_LINK = readlink("/proc/self/fd/$LOG_FD");
    $LOG->autoflush(1);
    open($LISTEN, '+<&', \*STDIN) or die "menshen-runner: dup listener: $!\n";  # fd >= 3, close-on-exec
    close(STDIN);
    # Blocking, whoever started us: a wait that gives up says EAGAIN
    # (wake_each_second), which a listener without a wait would say at once.
    my $lfl = fcntl($LISTEN, Fcntl::F_GETFL(), 0);
    fcntl($LISTEN, Fcntl::F_SETFL(), $lfl & ~Fcntl::O_NONBLOCK()) if $lfl && $lfl & Fcntl::O_NONBLOCK();
    wake_each_second($LISTEN);
    POSIX::dup2(fileno($DEVNULL), 0);
    open($IDLE_IN, '<&=', 0) or die "menshen-runner: open fd 0: $!\n";
    open($IDLE_OUT, '>&=', 1) or die "menshen-runner: open fd 1: $!\n";
    open($IDLE_ERR, '>&=', 2) or die "menshen-runner: open fd 2: $!\n";
    $IDLE_ERR->autoflush(1);
    *main::STDIN = *$IDLE_IN{IO};
    *main::STDOUT = *$IDLE_OUT{IO};
    *main::STDERR = *$IDLE_ERR{IO};
    $SIG_IN = layer_sig($IDLE_IN);
    # ARGVOUT, which perl makes at the first `<>` and points to without
    # holding it (PL_argvoutgv), exists before the script: it is never
    # the script's to delete. (ARGV exists since perl started.)
    { no strict 'refs'; my $argvout = \*{'main::ARGVOUT'}; }

    $SRC = eval { read_script() };
    if (!defined $SRC) {
        logmsg("cannot read the script: $@");
        exit 1;
    }
    my %sw = parse_shebang($SRC);
    if ($sw{bad}) {
        logmsg("shebang switch $sw{bad} is not supported in fastcgi mode");
        exit 1;
    }
    # Taint mode is per process: the gateway starts the runner under the
    # script's own -T or -t (RunnerArgs). A runner started without it
    # serves the script without taint checks, and says so.
    my $want_taint = $sw{T} ? 1 : $sw{t} ? -1 : 0;
    if ($want_taint != ${^TAINT}) {
        logmsg($want_taint
            ? "the script asks for " . ($sw{T} ? '-T' : '-t') . " but the runner runs with taint mode "
                . (${^TAINT} ? '-t' : 'off')
            : "the runner runs in taint mode, which the script's shebang does not ask for");
    }
    my ($code, $off, $pkg, $utf8, $in_pod) = split_source($SRC);
    # A line scan cannot tell a __END__ or __DATA__ token from the same
    # text in a string, or a here-doc from << in a regex or a format:
    # where it may have been misled, perl says where the code ends. Sure
    # enough (no probe): code with no << and no such text before the cut,
    # and as many { as } (a cut inside q{...} leaves one open).
    if ($SRC =~ /__(?:END|DATA)__/
        && ($code =~ /<<|__(?:END|DATA)__/ || !defined $off || ($code =~ tr/{//) != ($code =~ tr/}//))) {
        if (my @end = probe_code_end()) {
            ($code, $off) = @end;
            $in_pod = 0;
        }
    }
    $CODE_SRC = $code;
    $CODE_SRC .= "\n=cut\n" if $in_pod;
    @CODE_PARTS = warn_parts($CODE_SRC =~ /\n\z/ ? $CODE_SRC : "$CODE_SRC\n");
    $ERRNO_EACH = $CODE_SRC =~ /\beach\b/ && $CODE_SRC =~ /%!|%\{\s*!\s*\}|\bERRNO\b|\bOS_ERROR\b/ ? 1 : 0;
    $POD_CUT = $in_pod;
    ($DATA_OFFSET, $DATA_PKG, $DATA_UTF8) = ($off, $pkg, $utf8);
    my $scan = code_only($code);
    $RETURN_GUARD = $scan =~ /\breturn\b/ ? 1 : 0;
    $EXIT_SIGNED = $scan =~ /\bexit\s+[-+]/ ? 1 : 0;
    $STDOUT_DUPS = $scan =~ />&/ ? 1 : 0;
    $USE_V536 = 0;
    while ($scan =~ /\buse\s+(?:v5\.(\d+)|5\.(\d{3}))/g) {
        $USE_V536 = 1 if (defined $1 ? $1 : $2 + 0) >= 35;
    }
    $TERM_SCRIPT = $scan =~ /\bSIG\b|\bsig(?:trap|action)\b|\bkill\b/ ? 1 : 0;
    $UNDEF_SUB = $scan =~ /\bundef\s*\(?\s*&/ ? 1 : 0;
    # The priority is a process's: a script that lowers it (setpriority,
    # POSIX::nice, `renice -n 5 -p $$`) has it put back after each
    # request (restore_nice).
    $NICE0 = getpriority(0, 0) if $scan =~ /\b(?:setpriority|nice|renice)\b/;
    # Settings a module keeps for the process, in C, that cannot be read
    # back or put back from Perl (retire_for_setting).
    $PROC_SETTING = $scan =~ /\bexternalEntityLoader\b/ ? 'XML/LibXML.pm'
        : $scan =~ /\b(?:area|disk|file|height|list-length|map|memory|thread|throttle|time|width)-limit\b/ ? 'Image/Magick.pm'
        : undef;
    # So are a root worker's ids and root directory (restore_ids): one
    # that is not root cannot change them.
    @IDS0 = ($<, $>, $(, $), (stat '/')[0, 1]) if $< == 0 || $> == 0;
    my ($named, $declared, $watch) = named_globals($scan);
    # (An element or a slice names its array or hash, as in named_globals.
    # The captures are copied first: the match on the subscript resets them.)
    while ($scan =~ /(?<![\$\@%\w:'])([\$\@%])\{?\s*([A-Za-z_]\w*)\b(?!::|'\w)(\s*[\[{])?/g) {
        my ($sigil, $name, $sub) = ($1, $2, $3);
        $sigil = $sub =~ /\[/ ? '@' : '%' if defined $sub && $sigil ne '%';
        $IMPORT_NAMES{"$sigil$name"} = 1;
    }
    %NAMED = %$named;
    %DECLARED_PKG = %$declared;
    # Packages besides main the script may define subs in (`package Foo;`,
    # `sub Foo::bar`): in one that outlives perlrun's wipe (UNIVERSAL, a
    # module's), they are undefined after each request (undef_script_subs).
    # Bareword handles the script opens: closed, their IO made new, after
    # every request (close_named_handles).
    my %fh;
    $fh{$1} = 1 while $scan =~ /\b(?:open|sysopen|opendir|socket|accept|pipe)\s*\(?\s*([A-Za-z_]\w*(?:::\w+)*)\s*,/g;
    $fh{$1} = 1 while $scan =~ /\bpipe\s*\(?\s*[A-Za-z_][\w:]*\s*,\s*([A-Za-z_]\w*(?:::\w+)*)/g;
    delete @fh{qw(my our local state STDIN STDOUT STDERR ARGV ARGVOUT)};
    @FH_GLOBS = map {
        my $n = $_;
        $n =~ /^(.*)::(\w+)\z/ ? [$1, $2] : map { [$_, $n] } 'main', sort keys %$declared;
    } sort keys %fh;
    my %sp = %$declared;
    $sp{$1} = 1 while $scan =~ /\bsub\s+((?:\w+::)*\w+)::\w+/g;
    delete $sp{main};
    @SUB_PKGS = sort keys %sp;
    # (A name the source itself gives is marked: only such a variable can
    # be absent at the snapshot and made by the request, see
    # snapshot_watched. The known globals of a module not loaded, or not
    # set, cost nothing then.)
    my (%w, %by_pkg);
    my %src = map { ("$_->[0]$_->[1]" => 1) } @$watch;
    # (A known global that its module makes only as it sets it, through a
    # symbolic reference, CGI::Session's errstr, is marked too for a
    # script that names its module.)
    for my $v (@KNOWN_GLOBALS, @$watch) {
        my ($sigil, $full) = @$v;
        next if $w{"$sigil$full"}++ || keys %w > 400;
        my ($pkg, $name) = $full =~ /^(.*)::(\w+)\z/ or next;
        push @{ $by_pkg{$pkg} }, [$sigil, $name, $src{"$sigil$full"} || ($KNOWN_MADE{$full} && $named->{$pkg})];
    }
    @WATCH = map { [$_, $by_pkg{$_}, scalar(grep { $_->[2] } @{ $by_pkg{$_} }), package_key($_)] } sort keys %by_pkg;

    # (release_flocks: the script names flock; the files loaded so far
    # are the runner's, and hold no lock.)
    $MAY_FLOCK = 1 if $scan =~ /\bflock\b/;
    $FLOCK_INC = scalar keys %INC;
    $FLOCK_READ{$_}++ for grep { defined && !ref } values %INC;
    $MODE = $ISOLATION;
    if ($MODE eq 'auto') {
        if (my $why = static_hazards($scan)) {
            logmsg("perlrun: $why");
            $MODE = 'perlrun';
        }
        %SRC_FORMATS = format_decls($scan);
        $FORMAT_SLOT = $scan =~ /\{\s*FORMAT\s*\}/;
    }

    no warnings 'redefine';
    *CORE::GLOBAL::exit = \&exit_override;
    *CORE::GLOBAL::fork = \&fork_override;
    %CG_BASE0 = %{ cg_table() };
    %CG_OWN = map { $_ => $CG_BASE0{$_}[1] } keys %CG_BASE0;
    cg_base();
    # exec, system and syswrite are the script's only: imported into main::, where
    # the script and the libraries it requires compile. CORE::GLOBAL would
    # reach modules too, and an overridden builtin loses its indirect
    # object form: `exec { $prog } @args` (IPC::Run) no longer compiles.
    # Not one the script's source defines (`sub system`, `*syswrite =`,
    # `use subs`) or looks at (`defined &syswrite`, `\&system`,
    # `main::syswrite(...)`, `can('syswrite')`, `$main::{system}`): perl's
    # builtin stays what a call of that name is (an import would make the
    # script's sub the one called, after a "Prototype mismatch" warning),
    # and main:: has such a sub only if the script makes it. (A `sub
    # syswrite` of another package costs that script the streaming only.)
    # Perl 4's main'system is main::system; every name of a `use subs`
    # counts (`use subs qw(chdir system)`, an AUTOLOAD answering them).
    # The libraries the script requires compile in main:: too (cgi-lib.pl
    # style helpers): one that defines a `sub system` of its own, read
    # as the script's source is, keeps perl's builtin for the script, as
    # in a new process, where an import would make the library's sub the
    # one its calls reach.
    my $own_scan = $scan . library_code($scan);
    my %own = map { $_ => 1 }
        $own_scan =~ /(?:\bsub\s+|(?<![&\w\$\@%)\]}])&|\*\{?\s*['"]?|\bmain(?:::|')|\$(?:main)?::\{\s*['"]?
            |['"](?=(?:(?:main)?::)?(?:exec|system|syswrite)['"]))(?:main(?:::|')|::)?(exec|system|syswrite)\b/gx;
    for my $args ($own_scan =~ /\buse\s+subs\b([^;]*)/g) {
        $own{$_} = 1 for $args =~ /\b(exec|system|syswrite)\b/g;
    }
    # (By name: a glob the runner's source names exists from its
    # compilation on, and would count as the runner's, not the script's.)
    my %takeover = (exec => \&exec_override, system => \&system_override, syswrite => \&syswrite_override);
    for my $name (sort keys %takeover) {
        no strict 'refs';
        *{"main::$name"} = $takeover{$name} unless $own{$name};
    }
    use warnings 'redefine';

    $MEMFD = probe_memfd();
    # fstat: x86_64's 5, the generic table's 80 (aarch64, riscv64), both
    # with a 64-bit st_dev and st_ino first (see fd1_taken).
    if ($^O eq 'linux') {
        require Config;
        my $arch = $Config::Config{archname} // '';
        $FSTAT_NR = $arch =~ /^x86_64/ ? 5 : $arch =~ /^(?:aarch64|riscv64)/ ? 80 : 0;
        $FSTAT_BUF = "\0" x 256;
        # st_size is at 48 in both layouts; taken from the buffer only
        # where an fstat of the script itself finds its size there.
        if ($FSTAT_NR && open(my $fh, '<', $SCRIPT)) {
            $FSTAT_SIZE = 48 if syscall($FSTAT_NR, fileno($fh), $FSTAT_BUF) == 0
                && unpack('q', substr($FSTAT_BUF, 48, 8)) == -s $fh && -s _ > 0;
            close $fh;
        }
    }
    signal_names();
    sigmask_setup();
    # A real-time signal no script uses carries exits out of evals.
    ($EXIT_SIG) = grep { $_ eq 'RTMAX' } keys %SIG;
    # end_kids needs the group to be the runner's own (else it would kill
    # its parent's), and /proc of our pid namespace.
    $KIDS = getpgrp() == $PID && (readlink('/proc/self') // '') eq $PID ? 1 : 0;
    logmsg("not the leader of its process group, or no /proc: what scripts leave running is not killed")
        unless $KIDS;
    install_dollar_s();
    $UMASK = umask;
    %INTERP0 = (F => $^F, O => $^O, X => $^X, P => $^P, locale => POSIX::setlocale(POSIX::LC_ALL()));
    $TERM_HANDLER = sub { $TERM = 1 };
    $SIG{TERM} = $TERM_HANDLER;
    %SIG0 = %SIG;
    %START_ENV = %ENV;
    %SIG_BASE = %SIG;
    # (Before the first sig_state: it reads the handlers of @SIG_NAMES.
    # Taken with none, $SIG0_STATE never matched, and every perlrun
    # request paid compile_sigs' copy and restore of %SIG.)
    @SIG_NAMES = ((grep { !/^__(?:WARN|DIE)__\z/ } keys %SIG), '__WARN__', '__DIE__');
    $SIG0_STATE = sig_state();
    note_first(snapshot_watched());
    chdir($SCRIPT_DIR) or logmsg("chdir $SCRIPT_DIR: $!");
    $0 = $SCRIPT . $TAINTED;
    @INC0 = @INC;
    app_roots() unless $ISOLATION eq 'registry';
    # main:: names from here on are the script's. Not the globs of perl's
    # own variables that a module names as it loads (%+ for named
    # captures, $> and $< for the user ids): the interpreter's, as the
    # others of them (they exist from the runner's compilation on).
    () = (\%+, \%-, \$<, \$>, \$(, \$));
    *main::DATA = *main::DATA{IO} ? *main::DATA : \*main::DATA;
    %MAIN0 = map { $_ => 1 } keys %main::;
    main0_startup();
    %STASH_KEYS = all_stashes();
    undef $STASH_SIG;
}

# If the script ends the process itself (CORE::exit, POSIX::_exit cannot be
# caught), finish its request so the client still gets its answer.
END {
    if (defined $PID && $$ == $PID && $IN_SCRIPT && defined $REQ_ID && !$ABORTED) {
        my $status = $?;
        eval { close(*main::STDOUT{IO}) };
        stdout_end();
        conn_write(record(FCGI_STDERR, $REQ_ID, '')) if $ERR_SENT;
        end_request($REQ_ID, $status, FCGI_REQUEST_COMPLETE);
        $? = $status;
    }
}

main(@ARGV);
