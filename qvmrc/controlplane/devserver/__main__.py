from qvmrc.controlplane.devserver.command import main

raise SystemExit(main())
